from outsend_veille.main import main

main()
