"""Short interviews written for the tests in the style of transcribed speech (fillers kept, commas dropped, answers
split by the interviewer's back-channels), as the real interviews the grader is measured on are."""

SPOKEN_CLEAR = """\
Interviewer: How are you doing today?
Interviewee: Good thanks.
Interviewer: Tell me about a time you demonstrated leadership.
Interviewee: Last spring I led the hackathon committee at my college. There were six of us and about two hundred
participants so I split the work into sponsors food and judging and gave each area an owner with a weekly check-in.
Interviewer: mm-hmm
Interviewee: Two weeks out our main sponsor pulled out so I called three local companies and we replaced the money
in four days. The event ran on schedule and the committee asked me to run it again this year.
Interviewer: What is your biggest weakness?
Interviewee: I tend to say yes to too many projects. Last term that meant I was late on a lab report so now I keep
a list of commitments and I check it before I agree to anything new.
"""
SPOKEN_HALTING = """\
Interviewer: How are you doing today?
Interviewee: Um good.
Interviewer: Tell me about a time you demonstrated leadership.
Interviewee: Um... uh I guess like in high school I was kind of on the yearbook thing.
Interviewer: mm-hmm
Interviewee: Yeah so um that's basically it I guess.
Interviewer: What is your biggest weakness?
Interviewee: Ummm I don't know I can't think of one right now sorry.
"""
