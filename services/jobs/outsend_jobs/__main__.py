from outsend_jobs.main import main

main()
