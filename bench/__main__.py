"""python -m bench [build|run|all]: see bench/README.md."""

from .runner import main

main()
