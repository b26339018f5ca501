from outsend_coordinator.main import main

main()
