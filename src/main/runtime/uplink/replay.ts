// Store-and-forward replay: once the session is ready again, the queue's
// messages go out oldest first, at most `perSecond`, between live messages.
// Each batch is published with QoS 1 and removed from the queue only when the
// broker acknowledged all of it; a batch cut short by a lost link stays
// queued and goes again (a host may see a message twice, never lose one).
// The next batch is read once the store has taken the ack, one at a time.
import type { MqttLink } from '../mqtt/link';
import type { QueuedMessage, StoreForwardQueue } from './storeForward';

export class Replayer {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  replayed = 0;

  constructor(
    private readonly queue: StoreForwardQueue,
    private readonly perSecond: number,
    /** The bytes to publish for a queued message (Sparkplug stamps its seq here). */
    private readonly prepare: (message: QueuedMessage) => Uint8Array,
  ) {}

  start(link: MqttLink, ready: () => boolean): void {
    if (this.timer) return;
    const perTick = Math.max(1, Math.ceil(this.perSecond / 10));
    this.timer = setInterval(() => void this.batch(link, ready, perTick), 100);
    this.timer.unref();
    void this.batch(link, ready, perTick);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async batch(link: MqttLink, ready: () => boolean, max: number): Promise<void> {
    if (this.busy || !ready()) return;
    this.busy = true;
    try {
      // Read in the store's worker; the link may have gone meanwhile.
      const messages = await this.queue.peek(max);
      if (messages.length === 0 || !ready()) return;
      await Promise.all(messages.map((message) => link.publish(message.topic, this.prepare(message), 1)));
      await this.queue.ack(messages[messages.length - 1]!.seq);
      this.replayed += messages.length;
    } catch {
      // The link went mid-batch (or the store did not answer): the rest goes again with the next session.
    } finally {
      this.busy = false;
    }
  }
}
