/**
 * A board's saves, one at a time and in the order they were made. Two quick moves of one card
 * sent at once can be answered out of order, and the server can apply them out of order too: the
 * card would jump back to where the older response put it, and the board could keep the older
 * status. Queued, the server sees the moves in order, and only the answer to a card's latest move
 * is shown (an older one describes a place the card has already left).
 */
export class SaveQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private ticket = 0;
  private readonly latest = new Map<string, number>();

  /**
   * Runs `save` (a move of card `id`) once every earlier save of the board has been answered.
   * Resolves with its answer and whether it is still the card's latest move.
   */
  run<T>(id: string, save: () => Promise<T>): Promise<{ result: T; latest: boolean }> {
    const ticket = ++this.ticket;
    this.latest.set(id, ticket);
    const answered = this.tail.then(save);
    // one failed save must not stall the ones behind it
    this.tail = answered.catch(() => undefined);
    return answered.then((result) => ({
      result,
      latest: this.latest.get(id) === ticket,
    }));
  }
}
