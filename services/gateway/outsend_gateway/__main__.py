from outsend_gateway.main import main

main()
