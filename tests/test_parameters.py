"""The parameter table: one declaration reaches the command line, train() and
the validation both share."""
import dataclasses
import inspect

import pytest
from hypothesis import given, settings, strategies as st

from w2vpy import W2VError, Word2Vec, train
from w2vpy.cli import USAGE, parse_command_line
from w2vpy.parameters import (RUN_OPTIONS, TRAINING_PARAMETERS, ParameterError,
                              TrainingParams)

NUMERIC = [p for p in TRAINING_PARAMETERS if p.kind in (int, float)]


def test_every_declaration_reaches_the_usage_and_train():
    keywords = inspect.signature(train).parameters
    for declared in (*TRAINING_PARAMETERS, *RUN_OPTIONS):
        assert f"\t{declared.flag} <" in USAGE, declared.flag
        assert keywords[declared.name].default == declared.default, declared.name


def _documented(doc: str) -> dict[str, str]:
    """A numpy-style docstring's Parameters section: name to its entry."""
    section = inspect.cleandoc(doc).split("Parameters\n----------\n", 1)[1]
    section = section.split("\n\n", 1)[0]
    entries: dict[str, str] = {}
    for line in section.splitlines():
        if not line.startswith(" "):
            name = line.split(" : ", 1)[0]
            entries[name] = line + "\n"
        else:
            entries[name] += line + "\n"
    return entries


@pytest.mark.parametrize("documented, declarations", [
    (train, (*TRAINING_PARAMETERS, *RUN_OPTIONS)),
    (Word2Vec, (*TRAINING_PARAMETERS, RUN_OPTIONS[2])),
], ids=["train", "Word2Vec"])
def test_python_docstrings_speak_python_from_the_table(documented, declarations):
    """help(train) and help(Word2Vec): a numpy-style entry for each declared
    parameter, in the table's Python wording with its type and default; the
    command line's wording (word2vec.c's) stays on the command line."""
    entries = _documented(documented.__doc__)
    for declared in declarations:
        assert declared.doc and declared.doc != declared.help, declared.name
        entry = entries[declared.name]
        assert entry.startswith(f"{declared.name} : "), entry
        assert f", default {declared.default!r}" in entry.splitlines()[0]
        assert " ".join(entry.split()[1:]).endswith(" ".join(declared.doc.split()))
        if not declared.addition:  # word2vec.c's own wording
            assert declared.help not in documented.__doc__, declared.name
    assert "Use <int> threads" not in documented.__doc__


def test_defaults_are_word2vec_c_s():
    params, options, given = parse_command_line([])
    assert given == {}
    assert params == TrainingParams()
    assert (params.vector_size, params.window, params.sample, params.hs, params.negative,
            params.workers, params.epochs, params.min_count, params.sg) == (
        100, 5, 1e-3, False, 5, 12, 5, 5, False)
    assert params.starting_alpha == 0.05
    assert options["binary"] is False and options["debug"] == 2 and options["classes"] == 0


def test_the_cbow_flag_is_the_opposite_of_sg():
    assert parse_command_line(["-cbow", "0"])[0].sg is True
    assert parse_command_line(["-cbow", "1"])[0].sg is False
    assert parse_command_line(["-cbow", "0"])[0].starting_alpha == 0.025


def test_auto_means_none_on_the_command_line():
    assert parse_command_line(["-hot-rows", "auto"])[0].hot_rows is None
    assert parse_command_line(["-hot-rows", "16"])[0].hot_rows == 16


def test_unknown_keyword_is_named(tmp_path):
    with pytest.raises(W2VError, match="unknown parameter 'vector_sizes'"):
        train(tmp_path / "nothing.txt", vector_sizes=10)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NUMERIC), st.integers(min_value=-2**70, max_value=2**70))
def test_command_line_and_python_refuse_the_same_values(declared, value):
    """One validation: a value the API refuses, the CLI refuses with the same
    problem under the flag's name, and the other way round."""
    try:
        from_python = TrainingParams(**{declared.name: value})
        python_error = None
    except W2VError as exc:
        python_error = exc
    try:
        from_cli = parse_command_line([declared.flag, str(value)])[0]
        cli_error = None
    except W2VError as exc:
        cli_error = str(exc)
    if python_error is None:
        assert cli_error is None and from_cli == from_python
    elif not isinstance(python_error, ParameterError):  # between parameters: said alike
        assert cli_error == str(python_error)
    else:
        assert python_error.parameter == declared
        assert cli_error == f"{declared.flag} {python_error.problem}"
        assert str(python_error) == f"{declared.name} {python_error.problem}"


@pytest.mark.parametrize("name,value", [("window", 0), ("vector_size", 100_001), ("alpha", 0.0),
                                        ("alpha", float("nan")), ("sample", -1e-9),
                                        ("negative", True), ("epochs", 2.0)])
def test_refusals_name_the_parameter_and_value(name, value):
    with pytest.raises(ParameterError, match=rf"^{name} .*{value!r}"):
        TrainingParams(**{name: value})


def test_the_written_keywords_are_the_tables():
    """train()'s and Word2Vec()'s keywords are written out for tools
    (TrainingKeywords, RunKeywords): the same names, order and types as the
    declarations, so the table stays their one source."""
    from w2vpy.parameters import RunKeywords, TrainingKeywords

    written = TrainingKeywords.__annotations__
    declared = {f.name: f.type for f in dataclasses.fields(TrainingParams)}
    assert list(written) == list(declared)
    assert {name: getattr(kind, "__forward_arg__", kind) for name, kind in written.items()} \
        == declared
    run = [name for name in RunKeywords.__annotations__ if name not in written]
    assert run == [p.name for p in RUN_OPTIONS]
    for declared_option in RUN_OPTIONS:
        kind = RunKeywords.__annotations__[declared_option.name]
        kind = getattr(kind, "__forward_arg__", kind)
        assert kind.startswith("str") and (kind.endswith("| None") == declared_option.optional)
    for function in (train, Word2Vec.__init__):
        source = inspect.getsource(function).split(")", 1)[0]
        assert "Unpack[" in source, function
