/** Why an input was refused; each reason maps to one HTTP status in app.ts and labels vision_rejected_total. */
export type RejectReason =
  | 'empty'
  | 'missing_field'
  | 'bad_multipart'
  | 'aborted'
  | 'unsupported_type'
  | 'too_large'
  | 'not_an_image'
  | 'unsupported_format'
  | 'corrupt'
  | 'too_many_pixels'
  | 'queue_full'
  | 'not_ready';

/** An input the service will not analyse, with a message that tells the client what to change. */
export class ImageRejection extends Error {
  override name = 'ImageRejection';
  readonly reason: RejectReason;

  constructor(reason: RejectReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
