from outsend_enrichers.main import main

main()
