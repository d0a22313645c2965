// Typed errors of the bus. A BusGapError means "this stream may have missed messages": resume from the
// last message you received (e.g. replay from the database), never assume the stream was complete.

/** Base class of the errors that end a subscription because messages may have been missed. */
export class BusGapError extends Error {
  readonly channel: string;

  constructor(message: string, channel: string) {
    super(message);
    this.name = new.target.name;
    this.channel = channel;
  }
}

/** The subscriber fell behind: more than `bufferSize` messages were waiting for it. */
export class BusOverflowError extends BusGapError {
  readonly bufferSize: number;

  constructor(channel: string, bufferSize: number) {
    super(
      `The subscriber of channel "${channel}" fell behind (more than ${bufferSize} messages waiting); ` +
        "its stream was ended so it can resume from the last message it received.",
      channel,
    );
    this.bufferSize = bufferSize;
  }
}

/** The connection carrying the subscription dropped, so messages published meanwhile may be lost. */
export class BusDisconnectedError extends BusGapError {
  constructor(channel: string) {
    super(
      `The bus lost its connection while subscribed to channel "${channel}"; ` +
        "its stream was ended so it can resume from the last message it received.",
      channel,
    );
  }
}

/** The bus was closed: it accepts no more publishes or subscriptions. */
export class BusClosedError extends Error {
  constructor() {
    super("The escalation bus is closed.");
    this.name = "BusClosedError";
  }
}

/** The bus's backend (Redis) could not be reached in time. */
export class BusUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BusUnavailableError";
  }
}
