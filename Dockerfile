# MiniMeet: server + built client in one image. The mediasoup worker is built from the
# npm tarball's C++ sources against Debian libraries by the same postinstall as on a
# developer machine (scripts/mediasoup-worker/install-worker.mjs).
FROM node:20-bookworm AS build
WORKDIR /app
RUN echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/backports.list \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends g++ pkg-config ninja-build libuv1-dev libssl-dev \
      libsrtp2-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler \
 && apt-get install -y -q --no-install-recommends -t bookworm-backports meson \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci --foreground-scripts && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# Runtime libraries the worker binary links against; ffmpeg for chat image thumbnails and
# recordings, fonts-dejavu-core for the names drawn in recording composites.
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends libuv1 libssl3 libsrtp2-1 libusrsctp2 libabsl20220623 ffmpeg fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production PORT=3000 DATABASE_URL=sqlite:/data/minimeet.sqlite
# Attachments default to /data/storage (next to the database) unless STORAGE_URL says otherwise.
VOLUME /data
EXPOSE 3000 40000-40099/udp 40000-40099/tcp
CMD ["node", "server/dist/main.js"]
