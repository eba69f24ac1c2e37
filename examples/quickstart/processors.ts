// The quickstart's components: plain classes with a few decorators.
import { threadId } from "node:worker_threads";
import { pub, start, sub } from "etherflow";

/** Where this instance runs: a process id, plus the worker thread id when on a worker thread. */
function where(): string {
  return threadId === 0 ? `PID ${process.pid}` : `PID ${process.pid}, thread ${threadId}`;
}

/** Generates `count` numbers when the session starts. */
export class DataGenerator {
  constructor(private readonly opts: { count?: number } = {}) {}

  @pub("data")
  emit(data: number): { data: number } {
    return { data };
  }

  @start()
  generate(): void {
    const count = this.opts.count ?? 10;
    console.log(`DataGenerator (${where()}) generating ${count} values`);
    for (let i = 1; i <= count; i++) this.emit(i);
  }
}

/** Multiplies each value it receives. */
export class DataProcessor {
  constructor(private readonly opts: { multiplier?: number } = {}) {}

  @sub("data")
  @pub("result")
  processData({ data }: { data: number }): { result: number; multiplier: number } {
    const multiplier = this.opts.multiplier ?? 2;
    const result = data * multiplier;
    console.log(`DataProcessor x${multiplier} (${where()}) processed ${data} -> ${result}`);
    return { result, multiplier };
  }
}

/** Collects results; every collected result triggers a summary (a void @pub method publishes {}). */
export class DataCollector {
  readonly results: number[] = [];
  #summarized = false;

  constructor(private readonly opts: { expected?: number } = {}) {}

  @sub("result")
  @pub("collector/collected")
  collectResult({ result }: { result: number }): void {
    this.results.push(result);
  }

  @sub("collector/collected")
  summarize(): void {
    if (this.#summarized || this.results.length < (this.opts.expected ?? 20)) return;
    this.#summarized = true;
    const sum = this.results.reduce((a, b) => a + b, 0);
    console.log(`DataCollector (${where()}) collected ${this.results.length} results, sum ${sum}`);
  }
}
