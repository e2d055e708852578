// `ws` comes with wrangler (miniflare uses it). bench/profile-cpu.ts talks to the V8 inspector with it (which refuses
// Node's built-in WebSocket client), bench/paced-load.ts listens as agents, and test/e2e/socket-compression.test.ts
// offers permessage-deflate as a browser does. The few members used here.
declare module "ws" {
  export default class WebSocket {
    constructor(url: string, options?: { maxPayload?: number; perMessageDeflate?: boolean | { clientMaxWindowBits?: boolean | number } });
    /** The extensions the server agreed to, "" for none. */
    readonly extensions: string;
    on(event: "open", listener: () => void): this;
    on(event: "error", listener: (error: Error) => void): this;
    on(event: "unexpected-response", listener: (request: unknown, response: { statusCode: number }) => void): this;
    on(event: "upgrade", listener: (response: { headers: Record<string, string | string[] | undefined> }) => void): this;
    on(event: "message", listener: (data: unknown) => void): this;
    once(event: "open", listener: () => void): this;
    once(event: "error", listener: (error: Error) => void): this;
    once(event: "message", listener: (data: unknown) => void): this;
    send(data: string): void;
    close(): void;
  }
}
