from outsend_auth.main import main

main()
