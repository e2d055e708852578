import type { Flight } from "./early-status-policy";

/**
 * The Graph API sends this instance of the number's object is awaiting. Memory is the truth here, not a cache: a
 * send lives exactly as long as the instance that made it (a restarted object has none in flight, and the outbox
 * sends again with a new wamid).
 */
export class SendsInFlight {
  private next = 0;
  private readonly flights = new Map<number, Flight>();

  start(to: string | null, at: number): number {
    const id = ++this.next;
    this.flights.set(id, { startedAt: at, to });
    return id;
  }

  end(id: number): void {
    this.flights.delete(id);
  }

  list(): Flight[] {
    return [...this.flights.values()];
  }
}
