// Where services write what happened: the server hands in its pino logger, tests a silent one.

export type Logger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};
