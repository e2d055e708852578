// `ws` comes with wrangler (miniflare uses it); only bench/profile-cpu.ts imports it, to talk to the V8 inspector,
// which refuses Node's built-in WebSocket client. The few members used here.
declare module "ws" {
  export default class WebSocket {
    constructor(url: string, options?: { maxPayload?: number });
    on(event: "open", listener: () => void): this;
    on(event: "error", listener: (error: Error) => void): this;
    on(event: "unexpected-response", listener: (request: unknown, response: { statusCode: number }) => void): this;
    on(event: "message", listener: (data: unknown) => void): this;
    send(data: string): void;
    close(): void;
  }
}
