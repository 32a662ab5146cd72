"""gensim's own KeyedVectors tests, run against w2vpy with only their imports
redirected (tests/gensim_suite.py): a test that starts failing fails here,
unless EXPECTED_FAILURES lists it with its reason."""
import pytest

from conftest import have_gensim

pytestmark = pytest.mark.skipif(not have_gensim(), reason="gensim is not installed: its "
                                "test modules come from its wheel (pip install gensim)")

#: TestKeyedVectors tests that must pass (gensim 4.4 has 29; the issue's target was 21 of 23)
AT_LEAST_PASSING = 21


@pytest.fixture(scope="module")
def keyed_vectors_suite():
    import gensim_suite
    return gensim_suite.run_suite("test_keyedvectors")


def test_gensim_keyed_vectors_suite_passes(keyed_vectors_suite):
    result = keyed_vectors_suite
    assert len(result.passed("TestKeyedVectors.")) >= AT_LEAST_PASSING, \
        __import__("gensim_suite").report(result)
    assert result.unexpected_failures() == [], __import__("gensim_suite").report(result)


def test_every_listed_failure_still_fails(keyed_vectors_suite):
    """A listed failure that now passes is a list out of date."""
    assert keyed_vectors_suite.unexpected_passes() == []


def test_the_suite_ran_gensim_s_tests_on_w2vpy():
    """The redirect holds: gensim's test module sees w2vpy's KeyedVectors, and
    the real gensim is back in place afterwards."""
    import sys

    import gensim_suite
    import w2vpy
    module = gensim_suite.load_redirected("test_keyedvectors")
    assert module.KeyedVectors is w2vpy.KeyedVectors
    assert module.gensim.models.KeyedVectors is w2vpy.KeyedVectors
    assert module.gensim.test.utils.datapath("x").endswith("x")
    from gensim.models import KeyedVectors
    assert KeyedVectors is not w2vpy.KeyedVectors
    assert sys.modules["gensim.models"].KeyedVectors is KeyedVectors
