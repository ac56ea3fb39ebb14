// Contract limits, from the shared package (one place to import them from in the client).
export {
  MESSAGE_MAX_LENGTH,
  HISTORY_DEFAULT_LIMIT,
  ROOM_DEFAULT_PARTICIPANTS,
  ROOM_MAX_PARTICIPANTS_CEILING,
  ROOM_MIN_PARTICIPANTS,
  ROOM_NAME_MAX,
  SEARCH_QUERY_MAX,
} from '@minimeet/shared';
