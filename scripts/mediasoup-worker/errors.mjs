/** An install failure whose message is shown as is (no stack trace). */
export class InstallError extends Error {}
