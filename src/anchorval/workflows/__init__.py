"""Workflows: load a case once, build its FX table once, value once, hand the result on.

One module per command group: :mod:`.value`, :mod:`.market`, :mod:`.dcf`, :mod:`.simulate`,
:mod:`.live`. The command line (``cli/``) and the web app call these and hand what they return
to ``report/``. Submodules are imported on use so that ``anchorval --help`` stays fast.
"""
