import { ErrorCode, RTP_PARAMETER_LIMITS as LIMITS, type MediaSource } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';

/**
 * Refuses (VALIDATION, naming the field) a produce request's rtpParameters whose lists or strings
 * exceed RTP_PARAMETER_LIMITS, before mediasoup spends work on them. Shapes are otherwise left to
 * mediasoup, which rejects what it cannot use.
 */
export function assertRtpParametersBounded(rtp: unknown, source: MediaSource): void {
  if (!isRecord(rtp)) refuse('rtpParameters', 'must be an object');
  for (const key of ['mid', 'msid'] as const) checkString(rtp[key], `rtpParameters.${key}`);
  if (isRecord(rtp.rtcp)) checkString(rtp.rtcp.cname, 'rtpParameters.rtcp.cname');

  const codecs = list(rtp.codecs, 'rtpParameters.codecs', LIMITS.codecs);
  codecs.forEach((codec, i) => {
    const field = `rtpParameters.codecs[${i}]`;
    if (!isRecord(codec)) return;
    checkString(codec.mimeType, `${field}.mimeType`);
    checkParameters(codec.parameters, `${field}.parameters`);
    list(codec.rtcpFeedback, `${field}.rtcpFeedback`, LIMITS.rtcpFeedback).forEach((fb, j) => {
      if (!isRecord(fb)) return;
      checkString(fb.type, `${field}.rtcpFeedback[${j}].type`);
      checkString(fb.parameter, `${field}.rtcpFeedback[${j}].parameter`);
    });
  });

  const extensions = list(rtp.headerExtensions, 'rtpParameters.headerExtensions', LIMITS.headerExtensions);
  extensions.forEach((ext, i) => {
    if (!isRecord(ext)) return;
    checkString(ext.uri, `rtpParameters.headerExtensions[${i}].uri`);
    checkParameters(ext.parameters, `rtpParameters.headerExtensions[${i}].parameters`);
  });

  const maxEncodings = LIMITS.encodings[source];
  const encodings = list(rtp.encodings, 'rtpParameters.encodings', maxEncodings, `for source ${source}`);
  encodings.forEach((enc, i) => {
    if (!isRecord(enc)) return;
    for (const key of ['rid', 'scalabilityMode', 'priority', 'networkPriority'] as const) {
      checkString(enc[key], `rtpParameters.encodings[${i}].${key}`);
    }
  });
}

function list(value: unknown, field: string, max: number, why = ''): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) refuse(field, 'must be an array');
  if (value.length > max)
    refuse(field, `at most ${max} entries${why ? ` ${why}` : ''} (got ${value.length})`);
  return value;
}

function checkParameters(value: unknown, field: string): void {
  if (!isRecord(value)) return;
  const keys = Object.keys(value);
  if (keys.length > LIMITS.parameters)
    refuse(field, `at most ${LIMITS.parameters} keys (got ${keys.length})`);
  for (const key of keys) {
    checkString(key, `${field} key`);
    checkString(value[key], `${field}.${key.slice(0, 32)}`);
  }
}

function checkString(value: unknown, field: string): void {
  if (typeof value === 'string' && value.length > LIMITS.stringLength) {
    refuse(field, `at most ${LIMITS.stringLength} characters`);
  }
}

function refuse(field: string, message: string): never {
  throw new AppError(ErrorCode.VALIDATION, `Invalid ${field}: ${message}`, {
    fields: { [field]: [message] },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
