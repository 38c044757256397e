"""SafetyNet (社安網): a county's social safety net, from the first report to the annual report."""
