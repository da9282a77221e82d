#!/usr/bin/env python
from liaison.__main__ import main

if __name__ == "__main__":
    main()
