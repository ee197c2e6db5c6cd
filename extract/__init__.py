"""extract: Chinese government budget-disclosure PDFs (预算/决算公开) to validated tables.

The public surface is :func:`extract.api.run_batch` and the ``extract`` command line.
"""

__version__ = "0.1.0"
#: Bumped whenever a change alters what the pipeline writes; cached per-document
#: results made by another pipeline version are recomputed.
PIPELINE_VERSION = "1"
