"""`python -m kb …` runs the command line, exactly as the `kb` script does."""

from kb.interfaces.cli import main

if __name__ == "__main__":
    main()
