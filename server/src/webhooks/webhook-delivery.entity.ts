import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event to one URL: the outbox row the dispatcher claims, sends and retries. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDelivery {
  /** Ascending per room: the order events are sent in. */
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 36 })
  eventId: string;

  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ type: 'int' })
  roomId: number;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** The exact JSON body (signed as is). */
  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'varchar', length: 16 })
  status: WebhookDeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'datetime' })
  nextAttemptAt: Date;

  /** The node sending it now, until lockedUntil (a node that dies mid-send loses the claim then). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lockedBy: string | null;

  @Column({ type: 'datetime', nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
