console.log("[worker] install stub; MEDIASOUP_WORKER_BIN=", process.env.MEDIASOUP_WORKER_BIN)
