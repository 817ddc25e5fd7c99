import { createInterface } from "node:readline/promises";
import type { Prompter } from "../../ports/prompter.ts";

/** Asks on stderr, reads a line from stdin. */
export class TerminalPrompter implements Prompter {
  readonly #input: NodeJS.ReadableStream;
  readonly #output: NodeJS.WritableStream;

  constructor(input: NodeJS.ReadableStream, output: NodeJS.WritableStream) {
    this.#input = input;
    this.#output = output;
  }

  async ask(question: string): Promise<string | undefined> {
    const rl = createInterface({ input: this.#input, output: this.#output, terminal: false });
    try {
      this.#output.write(question);
      const line = await new Promise<string | undefined>((resolve) => {
        rl.once("line", (l) => resolve(l));
        rl.once("close", () => resolve(undefined));
      });
      return line;
    } finally {
      rl.close();
    }
  }
}
