import { Argument } from "commander";
import { COMPLETION_SHELLS, completionScript } from "../../core/completion/completion-scripts.ts";
import type { CompletionShell } from "../../core/completion/completion-scripts.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

/** `crossform completion bash|zsh|fish`: the shell's completion script. */
export const registerCompletion: RegisterCommand = (program, io, setExit) => {
  program
    .command("completion")
    .description(
      "print the shell completion script (commands, flags, and stacks, accounts, tiers, selectors, unit ids, waves and runs from crossform.yaml)",
    )
    .addArgument(new Argument("<shell>", "the shell").choices([...COMPLETION_SHELLS]))
    .addHelpText(
      "after",
      "\nLoad it with: source <(crossform completion bash), source <(crossform completion zsh) after compinit, or crossform completion fish | source.",
    )
    .action((shell: CompletionShell) => {
      io.stdout.write(completionScript(shell));
      setExit(ExitCode.Ok);
    });
};
