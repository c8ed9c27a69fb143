"""Click's usage errors ("No such option", "Missing argument", "Invalid value for '--format'") said in the
user's language: each is rendered again from the message catalogue by its kind and parameter.

Click words these messages in English (gettext) inside its parser; translating its sentences would depend
on Click's wording, which changes between versions. Instead the commands use the types and classes
below, which keep what each error is about (the option, the value, the choices), and `localized` turns
a Click `UsageError` into one whose lines come from the catalogue: the usage line, the help hint and
"Error: …", exit status 2 as Click's own. In English Click's own output is kept unchanged.

The language is a parameter, never global state: `usage_language` reads it from the command line
(`--lang zh` anywhere on it, even after the mistake, as the mistake stops Click before it reads
`--lang`) or from SYMBACKPROP_LANG, the same default the `--lang` options take.
"""
from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

import click

from . import messages
from .messages import REFERENCE, Said, msg, said, say

ENV_LANG = "SYMBACKPROP_LANG"          # the default of every --lang option (click's envvar)
LANG_KEY = "symbackprop.lang"          # where a command's context keeps the language of its usage errors


def usage_language(args: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language of a command line's usage errors: its last `--lang X` (or `--lang=X`) naming a
    language, else SYMBACKPROP_LANG when it names one, else English. Nothing after `--` is an option."""
    known = messages.languages()
    found = None
    items = list(args)
    for i, arg in enumerate(items):
        if arg == "--":
            break
        value = items[i + 1] if arg == "--lang" and i + 1 < len(items) else \
            arg[len("--lang="):] if arg.startswith("--lang=") else None
        if value in known:
            found = value
    if found is None:
        env = (os.environ if environ is None else environ).get(ENV_LANG, "")
        found = env if env in known else REFERENCE
    return found


# -- the types: on a bad value, what is wrong, kept for the catalogue ---------------------------------
class _Says:
    """A Click type whose BadParameter keeps, as `said`, why the value was refused (a catalogue message)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)      # type: ignore[misc]
        except click.BadParameter as exc:
            exc.said = self.why_not(value)                 # type: ignore[attr-defined]
            raise

    def why_not(self, value: Any) -> Said:
        raise NotImplementedError


class Choice(_Says, click.Choice):
    """click.Choice whose refusal can be said in every language, with "Did you mean 'json'?" when a
    choice is close to the value given (suggest.py)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            from .suggest import hint_of
            hint = hint_of(value, self.choices, quote=True)
            if hint is not None:
                exc.message = f"{exc.message} {hint}"
            raise

    def why_not(self, value: Any) -> Said:
        why = said("usage.not_a_choice", value=repr(value), choices=", ".join(map(repr, self.choices)))
        from .suggest import closest
        got = closest(value, self.choices)
        return said("usage.did_you_mean", first=why, possibility=repr(got[0])) if got else why


class _Range(_Says):
    kind = "usage.not_an_integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            why = getattr(exc, "said", None)
            if isinstance(why, Said) and why.key == self.kind:     # Click: "'abc' is not a valid integer range."
                exc.message = str(why)                            # "'abc' is not a valid integer."
            raise

    def why_not(self, value: Any) -> Said:
        try:
            self._number_class(value)                      # type: ignore[attr-defined]
        except (TypeError, ValueError, OverflowError):
            return said(self.kind, value=repr(value))
        return said("usage.out_of_range", value=value, range=self._describe_range())  # type: ignore[attr-defined]


class IntRange(_Range, click.IntRange):
    """click.IntRange whose refusal can be said in every language."""


class FloatRange(_Range, click.FloatRange):
    """click.FloatRange whose refusal can be said in every language."""

    kind = "usage.not_a_number"


class _NonEmptyPath(click.Path):
    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value == "":          # Path("") is ".": never what was meant
            self.fail("the path is empty ('')", param, ctx)
        return super().convert(value, param, ctx)


class PathType(_Says, _NonEmptyPath):
    """A file or folder argument or option (completed by the shell as a path). Only an empty path is
    refused here; whether it exists, and is a file or a folder, each command says in its own words."""

    def __init__(self) -> None:
        super().__init__(readable=False)

    def why_not(self, value: Any) -> Said:
        return said("usage.empty_path")


# -- the commands: the mistakes Click words in place ---------------------------------------------------
class Command(click.Command):
    """A command whose "unexpected extra argument" error keeps the arguments (for the catalogue)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        strict = not ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)
        except click.BadOptionUsage as exc:       # Click raises it without the context that names the option
            if getattr(exc, "said", None) is None:
                exc.said = _option_usage(ctx, exc.option_name)    # type: ignore[attr-defined]
            raise
        finally:
            ctx.allow_extra_args = not strict
        if rest and strict and not ctx.resilient_parsing:
            extra = " ".join(map(str, rest))
            exc = click.UsageError(("Got unexpected extra argument ({args})" if len(rest) == 1 else
                                    "Got unexpected extra arguments ({args})").format(args=extra), ctx)
            exc.said = said("usage.extra_argument" if len(rest) == 1 else "usage.extra_arguments",  # type: ignore[attr-defined]
                            args=extra)
            raise exc
        return rest


class Group(click.Group):
    """The `symbackprop` group: its commands are `Command`s, and every usage error under it (of the group or
    of a command) is said in the language of the command line (`usage_language`)."""

    command_class = Command

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        lang = usage_language(args)
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise localized(exc, lang) from None
        ctx.meta[LANG_KEY] = lang
        return ctx

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            if args and self.get_command(ctx, args[0]) is None and not getattr(exc, "said", None) \
                    and not isinstance(exc, click.NoSuchOption):
                exc.said = _unknown(said("usage.no_such_command", name=repr(args[0])),  # type: ignore[attr-defined]
                                    getattr(exc, "possibilities", None))
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise localized(exc, ctx.meta.get(LANG_KEY, REFERENCE)) from None


# -- saying an error ---------------------------------------------------------------------------------
def _unknown(first: Said, possibilities: Sequence[str] | None) -> Said:
    if not possibilities:
        return first
    if len(possibilities) == 1:
        return said("usage.did_you_mean", first=first, possibility=possibilities[0])
    return said("usage.possible_options", first=first, possibilities=", ".join(sorted(possibilities)))


def _param_hint(exc: click.BadParameter) -> str:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(repr(h) for h in hint)
    return str(hint) if hint else ""


def _option(ctx: click.Context | None, name: str) -> click.Parameter | None:
    if ctx is None:
        return None
    return next((p for p in ctx.command.params if name in getattr(p, "opts", ()) + getattr(p, "secondary_opts", ())),
                None)


def message_of(exc: click.UsageError) -> Said | None:
    """What a usage error says, as a catalogue message (in English, translatable), or None for a kind the
    catalogue does not know (then Click's own words are kept)."""
    known = getattr(exc, "said", None)
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        key = {"argument": "usage.missing_argument", "option": "usage.missing_option"}.get(kind, "usage.missing_parameter")
        return said(key, name=_param_hint(exc))
    if isinstance(exc, click.BadParameter):
        if known is None:
            return None
        hint = _param_hint(exc)
        return said("usage.invalid_value_for", param=hint, why=known) if hint else said("usage.invalid_value", why=known)
    if known is not None:
        return known
    if isinstance(exc, click.NoSuchOption):
        return _unknown(said("usage.no_such_option", name=repr(exc.option_name)), exc.possibilities)
    if isinstance(exc, click.BadOptionUsage):
        return _option_usage(exc.ctx, exc.option_name)
    return None


def _option_usage(ctx: click.Context | None, name: str) -> Said | None:
    """Why option `name` was misused: a flag given a value, or an option left without its value(s)."""
    option = _option(ctx, name)
    if option is None:
        return None
    if getattr(option, "is_flag", False):
        return said("usage.takes_no_value", name=repr(name))
    return said("usage.needs_value" if option.nargs == 1 else "usage.needs_values", name=repr(name), n=option.nargs)


class LocalizedUsageError(click.UsageError):
    """A Click usage error said in `lang`: the usage line, the help hint and the error line, as Click
    shows them (on stderr, exit status 2), from the catalogue."""

    def __init__(self, original: click.UsageError, lang: str) -> None:
        super().__init__(original.format_message(), original.ctx)
        self.original, self.lang = original, lang
        self.exit_code = original.exit_code
        self.said = message_of(original)

    def format_message(self) -> str:
        if self.said is None:
            return msg(self.lang, "usage.in_english", message=self.message)
        return say(self.said, self.lang)

    def show(self, file: Any = None) -> None:
        err = file is None
        ctx, color = self.ctx, None
        if ctx is not None:
            color = ctx.color
            formatter = ctx.make_formatter()
            formatter.write_usage(ctx.command_path, " ".join(ctx.command.collect_usage_pieces(ctx)),
                                  msg(self.lang, "usage.usage"))
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                names = ctx.command.get_help_option_names(ctx)
                hint = msg(self.lang, "usage.try_help", command=ctx.command_path, option=max(names, key=len)) + "\n"
            click.echo(f"{formatter.getvalue().rstrip()}\n{hint}", file=file, err=err, color=color)
        click.echo(msg(self.lang, "usage.error", message=self.format_message()), file=file, err=err, color=color)


_HELP_ONLY = getattr(click.exceptions, "NoArgsIsHelpError", ())     # Click 8.2+: help, no error


def localized(exc: click.UsageError, lang: str) -> click.UsageError:
    """`exc` said in `lang`; in English (or said already) it is Click's own, unchanged."""
    if lang == REFERENCE or isinstance(exc, LocalizedUsageError) or isinstance(exc, _HELP_ONLY):
        return exc
    return LocalizedUsageError(exc, lang)
