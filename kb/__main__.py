"""`python -m kb …` runs the command line, exactly as the `kb` script does."""

from .cli import main

if __name__ == "__main__":
    main()
