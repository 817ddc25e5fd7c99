/** Asks the operator a question on the terminal. Only present when stdin and stderr are a terminal. */
export interface Prompter {
  /** Shows `question` and resolves with the line typed (without the newline), or undefined on end of input. */
  ask(question: string): Promise<string | undefined>;
}
