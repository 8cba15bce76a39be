"""Missing and runaway episodes: the 9-F report, locate efforts, the return, the 9-G debrief."""
