from outsend_pipeline_coordinator.main import main

main()
