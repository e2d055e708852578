/** The slice of autocannon's API the benchmark uses (the package ships no types). */
declare module "autocannon" {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }
    interface Options {
      url: string;
      connections?: number;
      amount?: number;
      duration?: number;
      timeout?: number;
      overallRate?: number;
      /** Each request's `setupRequest` builds it afresh every time it is sent. */
      requests?: (Request & { setupRequest?: (request: Request) => Request })[];
    }
    interface Histogram {
      average: number;
      p50: number;
      p99: number;
      /** Requests completed over the run (present on `requests`). */
      total: number;
    }
    interface Result {
      /** Seconds the run took, to the hundredth. */
      duration: number;
      requests: Histogram;
      latency: Histogram;
      non2xx: number;
      errors: number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
