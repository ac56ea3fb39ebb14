import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One try to send one delivery (the admin delivery log). */
@Entity({ name: 'webhook_attempts' })
export class WebhookAttempt {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  deliveryId: number;

  @Column({ type: 'varchar', length: 36 })
  eventId: string;

  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ type: 'int' })
  roomId: number;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ type: 'int' })
  attempt: number;

  @Column({ type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ type: 'boolean' })
  delivered: boolean;

  @Column({ type: 'datetime' })
  at: Date;
}
