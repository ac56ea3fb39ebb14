/**
 * Loss accounting for one received RTP stream, the way RTCP receiver reports do it (RFC 3550
 * A.3): sequence numbers are extended past the 16-bit wrap, expected = highest extended
 * sequence − first + 1, lost = expected − received. Retransmissions (RTX, unwrapped by werift)
 * and reordering can deliver a sequence number twice: a window of recent numbers counts those as
 * duplicates instead of received, so `lost` never goes negative and a repaired gap is not loss.
 */
const WINDOW = 4096;

export class RtpSequenceTracker {
  /** Extended sequence number of the first packet (lowered if an earlier one arrives late). */
  private first = -1;
  private highest = -1;
  private readonly seen = new Float64Array(WINDOW).fill(-1);
  /** Distinct sequence numbers received. */
  received = 0;
  /** Packets whose sequence number had already been received. */
  duplicates = 0;
  /** Packets too old to place (more than WINDOW behind the highest). */
  tooLate = 0;

  /** Records one packet's 16-bit sequence number. */
  record(seq: number): void {
    seq &= 0xffff;
    if (this.highest < 0) {
      // Start one cycle up so packets reordered before the first one still extend to >= 0.
      this.first = this.highest = seq + 0x10000;
      this.mark(this.first);
      return;
    }
    // Signed 16-bit distance from the highest sequence number seen so far.
    let delta = seq - (this.highest & 0xffff);
    if (delta > 0x7fff) delta -= 0x10000;
    else if (delta < -0x8000) delta += 0x10000;
    const ext = this.highest + delta;
    if (ext < 0 || this.highest - ext >= WINDOW) {
      this.tooLate++;
      return;
    }
    if (this.seen[ext % WINDOW] === ext) {
      this.duplicates++;
      return;
    }
    if (ext > this.highest) {
      // Slots skipped by a gap still hold numbers from WINDOW ago: they cannot match `ext`.
      this.highest = ext;
    }
    if (ext < this.first) this.first = ext;
    this.mark(ext);
  }

  /** Packets the sender sent between the first and the highest received (0 before any). */
  get expected(): number {
    return this.highest < 0 ? 0 : this.highest - this.first + 1;
  }

  get lost(): number {
    return Math.max(0, this.expected - this.received);
  }

  private mark(ext: number): void {
    this.seen[ext % WINDOW] = ext;
    this.received++;
  }
}
