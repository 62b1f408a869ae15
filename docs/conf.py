"""Sphinx configuration of skmml's documentation.

Build (from the repository root, with ``pip install -e ".[docs]"``)::

    python -m sphinx -W -b html docs docs/_build/html

The build is offline: no intersphinx inventories are fetched. The API pages
are written from the subpackages' ``__all__`` at every build
(``sphinxext/api_pages.py``), and the gallery runs every script of
``examples/`` (``-D plot_gallery=0`` skips running them while editing text).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "sphinxext"))

from api_pages import write_api_pages  # noqa: E402

import skmml  # noqa: E402

project = "skmml"
author = "skmml developers"
copyright = "skmml developers"
release = skmml.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
root_doc = "index"
default_role = "literal"
# Every cross-reference to skmml must resolve (a renamed or private target
# fails the build); other projects' names stay plain text, since the build
# fetches no intersphinx inventory.
nitpicky = True
_EXTERNAL = "sklearn|torch|skorch|imblearn|joblib|numpy|scipy|pandas|matplotlib"
nitpick_ignore_regex = [(r"py:.*", rf"({_EXTERNAL})(\..*)?")]

# API pages: generated, then expanded by autosummary.
write_api_pages(HERE / "api")
autosummary_generate = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
autoclass_content = "class"
# An undocumented override (torch's forward) is left out, not shown with
# the docstring of the method it overrides.
autodoc_inherit_docstrings = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False


def _skip_foreign_member(app, what, name, obj, skip, options):
    """Document only members written in skmml (not torch's or sklearn's)."""
    if what != "class" or skip:
        return skip
    func = getattr(obj, "fget", obj)
    module = getattr(func, "__module__", None) or ""
    if module and not module.startswith("skmml"):
        return True
    return skip


# The examples: sphinx-gallery runs each script of examples/ at build time.
# They run with no command-line arguments, i.e. at their build settings.
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"\.py$",
    "ignore_pattern": r"__init__\.py$",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skmml",),
    "reference_url": {"skmml": None},
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
    "min_reported_time": 1,
    "download_all_examples": False,
    "matplotlib_animations": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"skmml {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "install": []}
html_show_sourcelink = True

# MathJax is Sphinx's default, loaded by the reader's browser from its CDN;
# for offline reading build with -D mathjax_path=<a local MathJax.js>.


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_member)
