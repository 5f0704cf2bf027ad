# bash completion for dslab (installed as share/bash-completion/completions/dslab).
# Everything is asked of dslab itself, so it stays true as commands and
# flags change: the commands from `dslab help`, a command's flags from
# `dslab COMMAND --help`, exercise ids from `dslab exercises`, labs and
# scenarios from the data root `dslab help` names.

_dslab_commands() {
    dslab help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

_dslab_flags() {
    dslab "$1" --help 2>/dev/null | grep -oE '(^|[[ ])--[a-z][a-z-]*' | sed 's/^[[ ]//' | sort -u
}

_dslab_root() {
    dslab help 2>/dev/null | sed -n 's/^data: *\(.*\) (.*)$/\1/p'
}

_dslab_exercise_ids() {
    dslab exercises 2>/dev/null | sed -n 's/^  \[.\] \([^ ]*\).*/\1/p'
}

_dslab_labs() {
    local root d
    root=$(_dslab_root)
    [ -n "$root" ] || return
    for d in "$root"/exercises/labs/*/lab.yaml; do
        [ -e "$d" ] || continue
        d=${d%/lab.yaml}
        echo "labs/${d##*/}"
    done
}

# Scenario files: those under the current directory, and (for a path that
# does not exist here) those of the data root, which dslab finds too.
_dslab_scenarios() {
    local cur=$1 root
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -d -- "$cur"))
    if [ ${#COMPREPLY[@]} -eq 0 ] && [ "${cur#/}" = "$cur" ]; then
        root=$(_dslab_root)
        [ -d "$root" ] || return
        COMPREPLY=($(cd "$root" && { compgen -f -X '!*.yaml' -- "$cur"; compgen -d -- "$cur"; }))
    fi
}

_dslab() {
    local cur prev cmd
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$(_dslab_commands) --help --version" -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}
    case $prev in
    --root | --out-dir | --png-dir | --frames | --plot | --out)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    --trace-format) COMPREPLY=($(compgen -W "jsonl chrome" -- "$cur")); return ;;
    --model) COMPREPLY=($(compgen -W "register cas-register kv mutex" -- "$cur")); return ;;
    --faults) COMPREPLY=($(compgen -W "random" -- "$cur")); return ;;
    --node | --trace | --png | --save-session)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --seed | --seeds | --from | --jobs | --budget | --until | --at | --set | --process | --profile | \
        --fps | --speed | --act | --start | --quit-after | --select | --size | --shard | --test | \
        --seeds-scale | --initial)
        return ;; # a value to type
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_dslab_flags "$cmd")" -- "$cur"))
        return
    fi
    case $cmd in
    run | viz | explore | report | lint) _dslab_scenarios "$cur" ;;
    exercise | reveal) COMPREPLY=($(compgen -W "$(_dslab_exercise_ids)" -- "$cur")) ;;
    grade)
        if [ "$COMP_CWORD" -eq 2 ]; then
            COMPREPLY=($(compgen -W "$(_dslab_exercise_ids) $(_dslab_labs)" -- "$cur"))
        else
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -d -- "$cur"))
        fi ;;
    help) COMPREPLY=($(compgen -W "$(_dslab_commands) protocols checks" -- "$cur")) ;;
    class-report | check-history)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -F _dslab dslab
