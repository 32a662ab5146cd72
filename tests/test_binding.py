"""The binding declares each C struct as its header does, and fills all of
the training config.

A struct is spelled twice, in its C header and in the .pxd beside it that
Cython compiles against (Cython trusts the .pxd: a field missing there is
never set, a wrong type converts silently), and a training setting reaches
the config through the binding and the CUDA launch; these tests read the
sources and hold the copies to each other."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from w2vpy.training import cuda_backend as cuda_backend
from w2vpy.parameters import TrainingParams

REPO = Path(__file__).resolve().parent.parent
CORE = REPO / "src" / "word2vec_c"
#: where the binding's headers are found, as setup.py's include_dirs
HEADER_DIRS = (CORE, REPO / "w2vpy" / "include")
TRAINING_BINDING = CORE / "_core_training.pxi"

#: fields of w2v_train_config the binding leaves at its memset's zero, and why
LEFT_ZERO: dict[str, str] = {}
#: config fields named as a TrainingParams field but not copied from it
NOT_FROM_PARAMS = {
    "epochs": "this run's passes: a schedule may be trained an epoch at a time",
    "alpha": "the schedule's starting rate, which training further sets anew "
             "(TrainingState.schedule_alpha)",
}
#: the kernel's names for config fields
KERNEL_NAMES = {"size": "vector_size", "starting_alpha": "alpha"}
#: settings the kernel takes in another type than the config, and why
KERNEL_TYPES_APART = {
    "vocab_size": "ids are int32 everywhere, so a vocabulary fits an int",
    "size": "vector sizes within the kernel's build (MAX_VECTOR_SIZE) fit an int",
    "window": "parameters.py keeps window within int",
    "unigram_table": "the CPU draws from runs (w2v_unigram_table), the kernel from "
                     "word2vec.c's flat table",
}
#: C types as numpy's, for comparing with the kernel's signature
C_DTYPES = {"float": np.float32, "double": np.float64, "int": np.int32, "int32_t": np.int32,
            "int64_t": np.int64, "uint8_t": np.uint8, "uint32_t": np.uint32,
            "uint64_t": np.uint64}


def without_comments(source: str) -> str:
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", " ", source, flags=re.S))


def declarators(declaration: str) -> dict[str, str]:
    """Each name a C declaration (no ';') declares, with its type spelled
    one way: 'const uint32_t *', 'int64_t', 'unsigned char [N]'."""
    first, *more = declaration.replace("*", " * ").split(",")
    words = first.split()
    base_end = next((i for i, w in enumerate(words) if w == "*"), len(words) - 1)
    base, declared = " ".join(words[:base_end]), [" ".join(words[base_end:]), *more]
    fields = {}
    for item in declared:
        found = re.fullmatch(r"\s*((?:\*\s*)*)([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*", item)
        if not base or found is None:
            raise ValueError(f"cannot read the declaration {declaration!r}")
        stars, name, array = found.groups()
        fields[name] = " ".join(filter(None, [base, stars.replace(" ", ""), array]))
    return fields


def training_parameters() -> dict[str, tuple[str, str]]:
    """trainer.h's W2V_PARAMETERS list: name -> (C type, INT or REAL)."""
    source = without_comments((CORE / "trainer.h").read_text()).replace("\\\n", " ")
    found = re.search(r"#define W2V_PARAMETERS\(X\)([^\n]*)", source)
    return {name: (c_type.strip(), kind) for c_type, name, kind in
            re.findall(r"X\(([^,]+),\s*(\w+),\s*(INT|REAL)\)", found.group(1))}


def header_struct(header: Path, name: str) -> dict[str, str]:
    """The fields of ``typedef struct { ... } name;`` in a C header, with the
    W2V_PARAMETERS list's fields where the struct expands it."""
    source = without_comments(header.read_text())
    source = re.sub(r"#define W2V_DECLARE_PARAMETER[^\n]*\n\s*W2V_PARAMETERS\(W2V_DECLARE_"
                    r"PARAMETER\)\s*#undef W2V_DECLARE_PARAMETER",
                    lambda _: "".join(f"{t} {n};" for n, (t, _) in training_parameters().items()),
                    source)
    found = re.search(rf"typedef\s+struct\s*\w*\s*\{{([^{{}}]*)\}}\s*{name}\s*;", source)
    if found is None:
        raise ValueError(f"{header.name} has no struct {name}")
    fields: dict[str, str] = {}
    for declaration in found.group(1).split(";"):
        if declaration.strip():
            fields.update(declarators(declaration))
    return fields


def pxd_structs(pxd: Path) -> dict[tuple[str, str], dict[str, str]]:
    """{(header, struct): fields} of every ``ctypedef struct`` a .pxd declares
    with fields (an opaque one, ``pass``, has none to compare)."""
    structs: dict[tuple[str, str], dict[str, str]] = {}
    header = struct = None
    for line in pxd.read_text().splitlines():
        code = line.split("#")[0].rstrip()
        indent = len(code) - len(code.lstrip())
        if extern := re.match(r'cdef extern from "([^"]+)"', code):
            header, struct = extern.group(1), None
        elif typedef := re.fullmatch(r"\s*ctypedef struct (\w+):", code):
            struct = typedef.group(1)
        elif struct is not None and indent == 8 and code.strip() != "pass":
            structs.setdefault((header, struct), {}).update(declarators(code))
        elif code:
            struct = None
    return structs


def find_header(name: str) -> Path:
    return next(d / name for d in HEADER_DIRS if (d / name).is_file())


def mirrored_structs() -> list[tuple[str, str, dict[str, str]]]:
    return [(header, struct, fields) for pxd in sorted(CORE.glob("*.pxd"))
            for (header, struct), fields in pxd_structs(pxd).items()]


def test_the_readers_see_declarations_as_c_does():
    assert declarators("const uint32_t *keep_threshold") == {
        "keep_threshold": "const uint32_t *"}
    assert declarators("int64_t size, capacity") == {"size": "int64_t", "capacity": "int64_t"}
    assert declarators("unsigned char bytes[N]") == {"bytes": "unsigned char [N]"}
    assert declarators("unsigned char* out, **outs") == {"out": "unsigned char *",
                                                          "outs": "unsigned char **"}
    with pytest.raises(ValueError, match="cannot read"):
        declarators("int (*emit)(void *ctx)")


def test_every_struct_the_binding_reads_is_declared():
    """Each .pxd struct with fields: the header's struct has those fields, in
    the same types (a .pxd may name only the fields the binding reads)."""
    structs = mirrored_structs()
    assert {struct for _, struct, _ in structs} >= {
        "w2v_train_config", "w2v_vocab_counter", "w2v_huffman", "w2v_unigram_table"}
    for header, struct, declared in structs:
        in_c = header_struct(find_header(header), struct)
        assert {name: in_c.get(name) for name in declared} == declared, f"{struct} in {header}"


def test_the_config_leaves_only_parameters_to_their_one_declaration():
    """The .pxd may leave out a config field only when it is a parameter of
    W2V_PARAMETERS, which the binding sets by name: so a parameter is declared
    once, in trainer.h, and every other field is declared for Cython too."""
    declared = pxd_structs(CORE / "trainer.pxd")[("trainer.h", "w2v_train_config")]
    fields = header_struct(CORE / "trainer.h", "w2v_train_config")
    assert set(fields) - set(declared) <= set(training_parameters())
    assert "w2v_config_set_parameter" in (CORE / "trainer.pxd").read_text()


def test_the_binding_sets_every_config_field():
    """Each field is a parameter (set by name) or assigned in the binding."""
    assigned = set(re.findall(r"\b(?:c|self\.config)\.(\w+)\s*=(?!=)",
                              TRAINING_BINDING.read_text()))
    fields = set(header_struct(CORE / "trainer.h", "w2v_train_config"))
    assert fields - assigned - set(training_parameters()) == set(LEFT_ZERO)
    assert assigned <= fields and not assigned & set(training_parameters())


def test_each_parameter_is_the_training_parameter_of_its_name_and_kind():
    """W2V_PARAMETERS names TrainingParams fields, each taking the kind of
    number its declaration checks (an INT field never receives a float)."""
    kinds = {f.name: f.type for f in dataclasses.fields(TrainingParams)}
    for name, (c_type, kind) in training_parameters().items():
        assert name in kinds, name
        assert kind == ("REAL" if "float" in kinds[name] else "INT"), name
        assert (c_type in ("float", "double")) == (kind == "REAL"), name
    assert not set(NOT_FROM_PARAMS) & set(training_parameters())
    fields = set(header_struct(CORE / "trainer.h", "w2v_train_config"))
    assert set(NOT_FROM_PARAMS) <= fields & set(kinds)


def test_the_kernel_takes_each_setting_in_the_config_type():
    """A kernel parameter that is a config field (under its name or the
    kernel's) has the field's C type, or is listed apart with the reason."""
    config = header_struct(CORE / "trainer.h", "w2v_train_config")
    differ = set()
    shared = 0
    for parameter in cuda_backend.kernel_signature():
        field = KERNEL_NAMES.get(parameter.name, parameter.name)
        if field not in config:
            continue
        shared += 1
        words = config[field].replace("const", "").split()
        c_type = " ".join(w for w in words if w != "*")
        same = ("*" in words) == parameter.array and (
            c_type in C_DTYPES and np.dtype(C_DTYPES[c_type]) == parameter.dtype)
        if not same:
            differ.add(parameter.name)
    assert shared >= 15
    assert differ == set(KERNEL_TYPES_APART)
