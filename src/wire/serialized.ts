/**
 * What `JSON.stringify` makes of a server value: every `Date` becomes its ISO string, in nested objects
 * and arrays too. The console receives the server's types in this form.
 */
export type Serialized<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Serialized<U>[]
    : T extends object
      ? { [K in keyof T]: Serialized<T[K]> }
      : T;
