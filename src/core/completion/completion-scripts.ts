/**
 * The scripts `crossform completion bash|zsh|fish` prints. Each is a thin shim: it hands the words
 * typed so far to the hidden `crossform __complete` (candidates.ts decides), and offers its answer
 * one candidate a line, or the shell's own file or directory completion for `:files` and `:dirs`.
 * The command is called as typed (the first word), so a crossform that is not on the PATH works
 * too.
 */

/** The shells there is a script for. */
export const COMPLETION_SHELLS = ["bash", "zsh", "fish"] as const;

/** One of {@link COMPLETION_SHELLS}. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** The directive lines `__complete` prints instead of candidates. */
export const COMPLETE_FILES = ":files";
export const COMPLETE_DIRECTORIES = ":dirs";

const BASH = `# crossform completion for bash. Load it in this shell with
#   source <(crossform completion bash)
# or for every shell: crossform completion bash > ~/.local/share/bash-completion/completions/crossform
_crossform_complete() {
  local line=\${COMP_LINE:0:COMP_POINT}
  local -a words
  read -ra words <<< "$line"
  if [[ -z $line || $line == *[[:space:]] ]]; then words+=(""); fi
  local cur=\${words[\${#words[@]}-1]}
  local IFS=$'\\n'
  local -a out
  out=($("\${words[0]}" __complete "\${words[@]:1}" 2>/dev/null))
  COMPREPLY=()
  case \${out[0]} in
    ${COMPLETE_FILES})
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    ${COMPLETE_DIRECTORIES})
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -d -- "$cur"))
      return
      ;;
  esac
  # bash splits the word under the cursor at ':' and '=' (COMP_WORDBREAKS): offer what follows.
  local keep="" i c
  for ((i = \${#cur} - 1; i >= 0; i--)); do
    c=\${cur:i:1}
    if [[ ($c == ":" || $c == "=") && $COMP_WORDBREAKS == *"$c"* ]]; then
      keep=\${cur:0:i+1}
      break
    fi
  done
  local w
  for w in "\${out[@]}"; do COMPREPLY+=("\${w#"$keep"}"); done
}
complete -F _crossform_complete crossform
`;

const ZSH = `#compdef crossform
# crossform completion for zsh. Load it in this shell (after compinit) with
#   source <(crossform completion zsh)
# or for every shell: crossform completion zsh > "\${fpath[1]}/_crossform"
_crossform() {
  local -a out
  out=("\${(@f)$(\${words[1]} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  out=(\${out:#})
  case \${out[1]} in
    ${COMPLETE_FILES}) _files ;;
    ${COMPLETE_DIRECTORIES}) _files -/ ;;
    *) compadd -Q -- "\${out[@]}" ;;
  esac
}
if (( $+functions[compdef] )); then compdef _crossform crossform; fi
`;

const FISH = `# crossform completion for fish. Load it in this shell with
#   crossform completion fish | source
# or for every shell: crossform completion fish > ~/.config/fish/completions/crossform.fish
function __crossform_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l out ($words[1] __complete $words[2..-1] 2>/dev/null)
    switch "$out[1]"
        case ${COMPLETE_FILES}
            __fish_complete_path (commandline -ct)
        case ${COMPLETE_DIRECTORIES}
            __fish_complete_directories (commandline -ct)
        case '*'
            printf '%s\\n' $out
    end
end
complete -c crossform -f -a '(__crossform_complete)'
`;

/** The completion script of `shell`. */
export function completionScript(shell: CompletionShell): string {
  switch (shell) {
    case "bash":
      return BASH;
    case "zsh":
      return ZSH;
    case "fish":
      return FISH;
  }
}
