import sys

from mock_ingrid.cli import main

sys.exit(main())
