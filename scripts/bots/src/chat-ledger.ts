/**
 * Chat accounting for the rooms of one bot process (a room is never split over processes, so
 * every sender and receiver of a message is here and shares one clock). Every message is
 * expected exactly once by every bot of its room that had joined, the sender included
 * (the server broadcasts newMessage to the whole room).
 */
export interface ChatTotals {
  sent: number;
  /** Refused by the server (e.g. RATE_LIMITED): not expected anywhere. */
  refused: number;
  /** Deliveries counted once per (message, receiver). */
  received: number;
  lost: number;
  duplicated: number;
  /** receive − send, ms, one per delivery. */
  latenciesMs: number[];
}

interface SentMessage {
  room: number;
  sentAt: number;
  refused: boolean;
  /** Receiver bot index → deliveries. */
  deliveries: Map<number, number>;
}

export class ChatLedger {
  private readonly messages = new Map<string, SentMessage>();
  private readonly latencies: number[] = [];
  private duplicates = 0;
  /** Messages of our rooms we never sent (other users): ignored. */
  foreign = 0;

  /** Called right before the message is emitted. */
  sent(clientMessageId: string, room: number, at = Date.now()): void {
    this.messages.set(clientMessageId, { room, sentAt: at, refused: false, deliveries: new Map() });
  }

  refused(clientMessageId: string): void {
    const m = this.messages.get(clientMessageId);
    if (m) m.refused = true;
  }

  received(clientMessageId: string, receiver: number, at = Date.now()): void {
    const m = this.messages.get(clientMessageId);
    if (!m) {
      this.foreign++;
      return;
    }
    const n = m.deliveries.get(receiver) ?? 0;
    m.deliveries.set(receiver, n + 1);
    if (n === 0) this.latencies.push(at - m.sentAt);
    else this.duplicates++;
  }

  /** Totals given which bots (by index) were in each room. */
  totals(membersByRoom: Map<number, number[]>): ChatTotals {
    let sent = 0;
    let refused = 0;
    let received = 0;
    let lost = 0;
    for (const m of this.messages.values()) {
      if (m.refused) {
        refused++;
        continue;
      }
      sent++;
      for (const member of membersByRoom.get(m.room) ?? []) {
        if ((m.deliveries.get(member) ?? 0) > 0) received++;
        else lost++;
      }
    }
    return { sent, refused, received, lost, duplicated: this.duplicates, latenciesMs: [...this.latencies] };
  }

  /** Sent / delivered counts so far (for live progress). */
  progress(): { sent: number; received: number } {
    let received = 0;
    for (const m of this.messages.values()) received += m.deliveries.size;
    return { sent: this.messages.size, received };
  }
}
