// A task that runs one at a time, where requests made while it runs are
// merged into a single further run. Starting and restarting the server use it,
// so several setting changes in a row restart the server once more, not once each.

export class SerialTask {
  private current: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Run the task, or schedule one more run if it is running; resolves when a run that started after this call ends. */
  request(): Promise<void> {
    if (this.current !== undefined) {
      this.again = true;
      return this.current;
    }
    this.current = this.runUntilSettled();
    return this.current;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  private async runUntilSettled(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          await this.task();
        } catch (error) {
          this.onError(error);
        }
      } while (this.again);
    } finally {
      this.current = undefined;
    }
  }
}
