import type { AttachmentDto } from '@minimeet/shared';

/** A 64×48 PNG (ffmpeg's test pattern): a real image ffmpeg can thumbnail. */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAuKetIAAAACXBIWXMAAAABAAAAAQBPJcTWAAABh0lEQVR4nO3WLzQEURTH8V+j0Wg0Go1Go9FoNBqNthqNRqPRaDQajUaj0Wi0L/vHzpnZd/c4O7Mzc9a9+87Z8Obdez9vZnafZATGqH/9fBLDWpG87ncELw8lbgwrrP7bAYIVMgHUV3QRYPeTGaBZKHtAI1EugFZDWkCUKC9AwpAKEEuUIyC2cR0DkrcyX0D06HYGCLxMuQPqbfxLQLByIQBsggkw+iwMYN2GHgXYfRYJCBp6EdCYKCWg1eCAsgGiibICEgYHOMABDnCAAxzgAAc4oDyA5nRpAcTDASUEqE3ZogG0RG16WEyKebEqtsWBOBM34kl86BM9o1t0jg5RBa2hBTSFRlBfdf2gGBezYllsij1xIq7Eg3irNvuK7tElOka7aAMtoRk0hgboF6NiWiyKdbEjjsSFuBMv4qu6/h09omt0ivbRFlpBc2gCDTnAAQ5wQMEAK2K/wcX9D0R1jfgTIJYoR0Bs41ICmulyAyRPAOkBtD1jZAsIHGEyAdRSq6sAY3/M+AZ0I5Jd3NcKtAAAAABJRU5ErkJggg==',
  'base64',
);

export interface UploadResult {
  status: number;
  body: AttachmentDto & { error?: { code: string; message: string } };
}

/** POST /api/rooms/:id/attachments as a browser form would: one file field, the given name and type. */
export async function uploadFile(
  baseUrl: string,
  token: string,
  roomId: number,
  file: { name: string; bytes: Buffer | string; type?: string },
): Promise<UploadResult> {
  const form = new FormData();
  form.append(
    'file',
    new Blob([typeof file.bytes === 'string' ? file.bytes : new Uint8Array(file.bytes)], {
      type: file.type ?? 'application/octet-stream',
    }),
    file.name,
  );
  const res = await fetch(`${baseUrl}/api/rooms/${roomId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as UploadResult['body'] };
}

export interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** GET /api/attachments/:id (or its thumbnail) with the user's token. */
export async function download(
  baseUrl: string,
  token: string,
  id: string,
  thumbnail = false,
): Promise<Download> {
  const res = await fetch(`${baseUrl}/api/attachments/${id}${thumbnail ? '/thumbnail' : ''}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
