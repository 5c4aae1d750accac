from statemerge.cli.main import main

main()
