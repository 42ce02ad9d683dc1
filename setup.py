"""wirewatch's compiled modules: the enrich stage's inner loops (``wirewatch/enrich/_*.pyx``).

Everything else about the package is in ``pyproject.toml``.  The modules cimport spaCy's
parser internals and SciPy's BLAS, so they are built against the spaCy installed beside
them (``make setup`` installs with ``--no-build-isolation``).  Each is optional: where one
cannot be built, the enrich stage runs the same steps from Python (the same results, slower).
"""

from pathlib import Path

from setuptools import Extension, setup


def extensions() -> list[Extension]:
    try:
        import numpy
        from Cython.Build import cythonize
    except ImportError:  # no Cython or numpy where this is built: the Python loops serve
        return []
    modules = [
        Extension(
            f"wirewatch.enrich.{source.stem}",
            [str(source)],
            include_dirs=[numpy.get_include()],  # spaCy's .pxd cimport numpy's
            language="c++",
            # no fused multiply-adds: each float operation rounded as numpy rounds it
            extra_compile_args=["-O3", "-ffp-contract=off"],
            optional=True,
        )
        for source in sorted(Path("wirewatch/enrich").glob("_*.pyx"))
    ]
    return list(cythonize(modules, quiet=True))


setup(ext_modules=extensions())
