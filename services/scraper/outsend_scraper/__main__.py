from outsend_scraper.main import main

main()
