"""English: the reference catalogue. Every id here must be in every other catalogue, with the same
fields (tests/test_messages.py). Fields are written {name}; a literal brace would be {{ or }}."""

MESSAGES = {
    "derive.document_title": "{title}: general rules",
    # -- a worked solution (render/prose.py) ------------------------------------------------------
    "section.given": "Given",
    "section.forward": "Forward pass",
    "section.loss": "Loss",
    "section.output": "Output layer: *δ* and updates",
    "section.hidden": "Hidden layers: *δ* and updates",
    "section.updated": "Updated weights",
    "solution.part": "Part {name}",
    "solution.part_heading": "Part {name}: activation {activations}, loss {loss}, {eta}",
    "convention.minus_dJ_dnet": "appendix convention",
    "convention.dJ_dnet": "in-class convention",
    "note.delta": "{delta} ({which}), so {update}, where {xi} is the input of the weight.",
    "note.weights": "{w} is the weight from unit *i* to unit *j*.",
    "reduction.mean": "mean",
    "reduction.sum": "sum",
    "note.batch": "{loss} is the {reduction} of the per-sample losses over {samples} samples; {dn} is per sample.",
    "note.frozen": "Frozen, so not updated ({zero}): {weights}.",
    "note.relu_kink": "ReLU has no derivative at 0; {gp} is taken as {g0} ({setting}), used at {where}.",
    "note.kink_left": "{act} has no derivative at 0; the left-hand slope is used at {where}.",
    # -- solve --check (render/text.py) ----------------------------------------------------------
    "gradcheck.summary": "Check: {n} gradients, three ways: {verdict}",
    "gradcheck.agree": "all agree",
    "gradcheck.disagree": "DISAGREEMENT",
    "gradcheck.direct": "chain rule vs direct sympy.diff of the substituted loss: largest relative difference {diff}",
    "gradcheck.finite": "chain rule vs central finite differences (*h* = {h}): largest relative difference {diff}",
    "gradcheck.kink": "{id}: finite differences not comparable ({kink}); chain rule {chain}, direct {direct}, "
                      "finite difference {fd}",
    # -- derive: the general rules (render/rules.py) ---------------------------------------------
    "rules.delta_output": "Output layer: δ_k",
    "rules.delta_hidden": "Hidden layer: δ_j",
    "rules.grad_output_weight": "Gradient of a hidden-to-output weight",
    "rules.grad_hidden_weight": "Gradient of an input-to-hidden weight",
    "rules.update_output_weight": "Update of a hidden-to-output weight",
    "rules.update_hidden_weight": "Update of an input-to-hidden weight",
    "rules.definitions": "The network",
    "rules.with": "with",
    "rules.checked": "Checked on the network of the file",
    "rules.generated": "Checked on a generated network",
    "rules.units": "values agree",
    "rules.none": "no such weights or units in this network",
    "rules.max_error": "largest relative difference",
    "rules.disagree": "DISAGREES",
    "rules.targets_sum_to_one": "targets sum to 1 (one-hot or probabilities): Σ_m t_m = 1",
    "rules.general": "General rules",
    "rules.hidden": "hidden",
    "rules.output": "output",
    "rules.loss": "loss",
    "rules.from_to": "first index: the unit the weight comes from",
    "rules.to_from": "first index: the unit the weight goes to",
    "rules.assumption": "Assumed",
    # -- derive: the matrix example (render/quadratic.py) ----------------------------------------
    "quadratic.forward": "Forward: the computation graph",
    "quadratic.backward": "Backward: the chain rule",
    "quadratic.checked": "Checked: ∂L/∂A, ∂L/∂b, ∂L/∂c against sympy.diff of L written out entry by entry",
    "quadratic.disagree": "DISAGREES",
    # -- a computation graph (model: graph, render/graph.py) ----------------------------------------
    "graph.given": "Given",
    "graph.backward_note": "Each step sums over the nodes that use {q}: {rule} "
                           "(for a matrix node {g}, over its entries); a gradient has the shape of its quantity. "
                           "Parameters: {parameters}.",
    "graph.check": "Check: {n} gradient entries, three ways: {verdict}",
    "graph.check_direct": "backward pass vs sympy.diff of the output written out in the inputs: largest relative "
                          "difference {diff}",
    "graph.derive_title": "{title}: the gradients as formulas of the inputs",
    "graph.derive_section": "∂{output}/∂p, with the nodes written out in the inputs",
    # -- a check report (render/report.py) --------------------------------------------------------
    "status.correct": "correct",
    "status.follow_through": "follow-through",
    "status.other_convention": "other convention",
    "status.imprecise": "imprecise",
    "status.rounding": "rounded wrongly",
    "status.slip": "working wrong",
    "status.wrong": "WRONG",
    "status.unreadable": "unreadable",
    "column.item": "item",
    "column.given": "given",
    "column.expected": "expected",
    "column.verdict": "verdict",
    "column.diagnosis": "diagnosis",
    "link.rule": "rule",
    "link.numbers": "numbers",
    "link.value": "value",
    "link.reason": "reason",
    "link.unread": "unread",
    "report.not_attempted": "not attempted (nothing of this part answered)",
    "report.not_attempted_sentence": "Not attempted (nothing of this part answered).",
    "report.part_text": "Part {part}: score {score}",
    "report.part_not_attempted_text": "Part {part}: {not_attempted}; score {score}",
    "report.part_heading": "Part {part}: {score}",
    "report.given_row": "{name} (given)",
    "report.first_error": "First error: {name}",
    "report.given_slip": "{name} = {given} (the problem gives {expected})",
    "report.given_otherwise": "Given values written otherwise: {items}",
    "report.left_out": "Left out: {items}",
    "report.note": "Note: {note}",
    "report.failed_link": "{name}: {kind} “{text}”: {message}",
    "report.not_read": "Not read: {problem}",
    "report.total": "Score: {score} / {max}",
    "report.total_attempted": "Score: {score} / {max} (attempted parts: {attempted} / {attempted_max}; "
                              "not attempted: {parts})",
    "report.check_of": "Check of {source}",
    "report.formulas": "Formulas are shown as the LaTeX you wrote, not typeset.",
    "report.feedback_for": "Feedback for {student}",
    "report.not_graded": "Your submission {lead}: {reason}",
    "lead.could_not_be_graded": "could not be graded",
    "lead.could_not_be_read": "could not be read",
    "lead.was_not_graded": "was not graded",
    # -- Gradescope (grade.py) ----------------------------------------------------------------------
    "gradescope.item": "given {given}; expected {expected}; {status}",
    "gradescope.item_why": "given {given}; expected {expected}; {status}: {message}",
    "gradescope.not_answered": "not answered",
    "gradescope_status.correct": "correct",
    "gradescope_status.follow_through": "follow_through",
    "gradescope_status.other_convention": "other_convention",
    "gradescope_status.imprecise": "imprecise",
    "gradescope_status.rounding": "rounding",
    "gradescope_status.slip": "slip",
    "gradescope_status.wrong": "wrong",
    "gradescope_status.unreadable": "unreadable",
    # -- the class summary (grade.py) --------------------------------------------------------------
    "summary.title": "# Class summary: {submissions} submissions, {graded} graded",
    "summary.title_skipped": "# Class summary: {submissions} submissions, {graded} graded, "
                             "{skipped} other entries skipped",
    "summary.not_graded": "Not graded:",
    "summary.skipped": "Skipped (not submissions):",
    "summary.mean": "Mean score: {mean} / {max}",
    "summary.attempted": "Attempted: {parts}",
    "summary.attempted_part": "part {part} by {tried} of {graded}",
    "summary.attempted_part_mean": "part {part} by {tried} of {graded} (their mean {mean} / {max})",
    "summary.legend": "Items missed most often first (right: full points on its own, the other δ convention "
                      "credited in full included; follow-through: wrong, but correct from the student's own wrong "
                      "earlier values, and credited; imprecise: the right value to fewer places or figures than "
                      "asked, partial credit; missed: answered, neither right nor follow-through nor imprecise, "
                      "so it lost points for a mistake; left out: not answered by those who attempted the part). "
                      "The commonest wrong answers and diagnoses are those of the misses.",
    "summary.columns": "| part | item | answered | right | follow-through | imprecise | missed | left out "
                       "| commonest wrong answers | commonest diagnoses |",
    "summary.convention": "Answered in the other δ convention, credited in full and counted as right: {parts}",
    "summary.convention_part": "part {part}: {items}",
    "summary.nobody": "Left out by everyone who attempted part {part}: {items}",
    # -- the terminal (cli.py) ---------------------------------------------------------------------
    "cli.grading": "grading {n} submissions",
    "cli.gradebook": "Gradebook: {output}",
    "cli.internal_error_one": "Gradebook: {output}; {n} internal error (not the students' fault), tracebacks in {log}",
    "cli.internal_errors": "Gradebook: {output}; {n} internal errors (not the students' fault), tracebacks in {log}",
    # -- diagnoses (answers/diagnose.py, answers/checker.py) ----------------------------------------
    "diagnosis.other_convention": "δ with the opposite sign: the other convention ({other}) instead of this "
                                  "problem's ({own})",
    "diagnosis.sign": "sign slip: the value has the wrong sign",
    "diagnosis.half_missing": "twice the expected value: the ½ of the loss ½(t − u)² left out",
    "diagnosis.g_not_gprime": "g({net}) used where g'({net}) belongs",
    "diagnosis.wrong_unit": "{used} used where {right} belongs (the derivative at the wrong unit)",
    "diagnosis.relu_g0": "g'(0) = {used} used for ReLU at net = 0; this problem takes g'(0) = {own}",
    "diagnosis.eta_missing": "η left out of the update (η = {eta})",
    "diagnosis.bias_zero": "the bias input taken as 0; it is {one}",
    "diagnosis.updated_weight": "the updated weight {w}^new used; δ uses the weights of the forward pass ({w})",
    "diagnosis.old_weight": "the old weight: the update Δw was not added",
    "diagnosis.update_subtracted": "Δw subtracted: the new weight is w + Δw (Δw already carries the minus of "
                                   "−η∂{J}/∂w)",
    "diagnosis.sign_delta": "sign slip: this δ has the wrong sign ({why})",
    "diagnosis.follows": "follows from your {name} (the first error)",
    "diagnosis.arithmetic": "arithmetic: the numbers give {got}, not {expected}",
    "diagnosis.numbers": "the substituted numbers give {got}, not {expected}",
    # "give A, not B" always means B is what the student wrote (as diagnosis.arithmetic); here B is the right value
    "diagnosis.numbers_right_value": "the substituted numbers give {got}; the right value is {expected}",
    "diagnosis.rule_not_giving": "the rule does not give {name}",
    "diagnosis.working_wrong": "the value is right but the working is not: {why}",
    "diagnosis.imprecise_place": "right to {decimals} decimal place; the problem asks for {asked}",
    "diagnosis.imprecise_places": "right to {decimals} decimal places; the problem asks for {asked}",
    "diagnosis.imprecise_rounding": "right only within the rounding of the numbers it is computed from; the "
                                    "problem asks for {places} decimal places",
    "diagnosis.one_unit_off": "one unit off in the last place: to {decimals} places the value is {right}",
    "diagnosis.rounded_earlier": "right from your rounded earlier values",
    "diagnosis.rounding_places": "rounded wrongly: {value} to {decimals} places",
    # -- a diagnosis code as the class summary counts it (en: the code itself) --
    "code.arithmetic": "arithmetic",
    "code.figures": "figures",
    "code.given_copied": "given_copied",
    "code.imprecise": "imprecise",
    "code.no_value": "no_value",
    "code.other_convention": "other_convention",
    "code.reason": "reason",
    "code.rule": "rule",
    "code.sign": "sign",
    "code.trivialised": "trivialised",
    "code.working": "working",
    "code.numbers": "numbers",
    "code.rounding": "rounding",
    "code.half_missing": "half_missing",
    "code.eta_missing": "eta_missing",
    "code.g_not_gprime": "g_not_gprime",
    "code.wrong_unit": "wrong_unit",
    "code.relu_g0": "relu_g0",
    "code.bias_zero": "bias_zero",
    "code.updated_weight": "updated_weight",
    "code.old_weight": "old_weight",
    "code.update_subtracted": "update_subtracted",
    "code.given_value": "given_value",
    "code.wrong": "wrong",
    "code.unreadable": "unreadable",
    "code.slip": "slip",
    # -- more diagnoses, and a mistake charged once as a follow-through names it --
    "diagnosis.copied": "uses {name} = {used}, the problem gives {name} = {given}",
    "diagnosis.follows_charged": "follows from your {name} ({why}, charged at {at})",
    "diagnosis.follows_plain": "follows from your {name}",
    "diagnosis.follows_wrong": "follows from your {name} (wrong)",
    "diagnosis.follows_and": "{follows}; {why}",
    "diagnosis.same_mistake": "{what}: the same mistake as in {name}, charged once",
    "diagnosis.trivialised": "your earlier values make this step trivial (a 0 where the true value is not), so it "
                             "shows no working: no follow-through credit",
    "diagnosis.no_digit_place": "shows no digit of the value: {decimals} decimal place does not reach its first "
                                "significant digit",
    "diagnosis.no_digit_places": "shows no digit of the value: {decimals} decimal places do not reach its first "
                                 "significant digit",
    "charged.eta_missing": "η left out",
    "charged.updated_weight": "the updated weight used",
    "charged.g_not_gprime": "g used for g'",
    "charged.relu_g0": "the wrong g'(0) at the ReLU kink",
    "charged.bias_zero": "the bias input taken as 0",
    "charged.given_copied": "copied wrong",
    "charged.update_subtracted": "Δw subtracted",
    # -- counts, significant figures, and why a negated δ is a slip --
    "count.significant_figure": "{n} significant figure",
    "count.significant_figures": "{n} significant figures",
    "count.decimal_place": "{n} decimal place",
    "count.decimal_places": "{n} decimal places",
    "diagnosis.imprecise_figures": "right to {figures}; the problem asks for {places}",
    "diagnosis.rounding_figures": "rounded wrongly: {value} to {figures}",
    "diagnosis.too_few_figures": "too few figures to be right: {figures} shown; a rounding beyond the units needs at "
                                 "least {least}",
    "why.negated_follow": "the values computed from it follow from it by this problem's rules (Δw negated too), so "
                          "it is not the other convention",
    "why.others_do_not": "the others do not",
    "why.not_other_convention": "the values computed from it are not those of the other convention",
    # -- the other δ convention and a loss convention, used consistently --
    "why.rule_not_negated": "your rule for the output δ has this problem's sign",
    "diagnosis.rule_other_convention": "the rule of the other convention ({other}) instead of this problem's ({own}), "
                                       "used consistently",
    "diagnosis.every_delta_flipped": "every δ has the opposite sign: the other convention ({other}) instead of this "
                                     "problem's ({own}); used consistently, so the Δw that follow are right",
    "diagnosis.other_convention_or_slip": "δ with the opposite sign: a sign slip, or the other convention ({other}) "
                                          "instead of this problem's ({own})",
    "diagnosis.follows_consistently": "{follows}: {what}, used consistently",
    "consistently.half_missing": "the ½ of the loss ½(t − u)² left out",
    # -- a checked answer's links and reasons (answers/checker.py) -----------------------------------
    "joined": "{first}; {rest}",
    "answer.overflow": "out of range: a number in it is too large to be an answer (at most 10^{most} in size)",
    "answer.too_large": "out of range: the value is about 10^{exponent}, too large to be an answer (an answer is at "
                        "most 10^{most} in size)",
    "answer.too_small": "out of range: the value is about 10^{exponent}, too small to be an answer (an answer other "
                        "than 0 is at least 10^-{most} in size)",
    "answer.given_unchanged": "the given value {name} = {shown} written unchanged: the step was not carried out",
    "answer.no_value_name": "no value: the answer only names the quantity; give its value",
    "answer.no_value_rule": "no value: a rule with nothing substituted earns nothing on its own; give its numbers and "
                            "value (rule = numbers = value)",
    "answer.sign_own_convention": "sign slip: the value has the wrong sign (the working is this problem's convention)",
    "answer.sign_because": "{sign} ({why})",
    "answer.not_a_quantity": "{name} is not a quantity of this problem",
    "answer.link_not_read": "the link `{link}` was not read: {reason}",
    "answer.no_case": "no case holds ({conds})",
    "answer.no_case_values": "no case holds ({conds}): {values}",
    "answer.no_case_yours": "no case holds ({conds}): {values} (your value)",
    "answer.reason_unknown": "{name} in the reason `{cond}` is not a quantity of this problem",
    "answer.reason_false": "the reason `{cond}` is false",
    "answer.reason_false_values": "the reason `{cond}` is false: {values}",
    "answer.reason_false_yours": "the reason `{cond}` is false: {values} (your value)",
    "answer.cannot_evaluate": "cannot evaluate the rule: {why}",
    "answer.rule_other_convention": "the rule of the other δ convention",
    "answer.with_your_values": "with your earlier values",
    "answer.numbers_other_convention": "the numbers of the other δ convention",
    "answer.numbers_sign_slip": "sign slip in the substituted numbers: one of them has the wrong sign",
    "diagnosis.sign_rule": "sign slip: the rule has the wrong sign",
    # -- a general rule as an answer (answers/rule_answers.py) --------------------------------------
    "rule_answer.not_a_quantity": "{name} is not a quantity of these rules (use k for an output unit, j for a hidden "
                                  "unit, i for an input)",
    "rule_answer.not_a_rule": "{rid}: not a rule; rules are {rules}",
    "rule_answer.equal_sympy": "equal to the derived rule (SymPy)",
    "rule_answer.outside": "{item} is outside the network the rule is checked on (indices 1 to {size}); write the sum "
                           "over all units, e.g. \\sum_k",
    "rule_answer.equal_random": "equal to the derived rule at random points",
    "rule_answer.equal_specialised": "the rule with the {label} derivative, equal at random points",
    "rule_answer.opposite_sign": "the rule with the opposite sign (the other δ convention, or a sign slip)",
    "rule_answer.twice": "twice the rule: the ½ of the loss left out",
    "rule_answer.not_derived": "not the derived rule (compared at random values of every quantity)",
    # -- the LaTeX reader and the evaluator (answers/latex.py, expr.py, fullwidth.py) ---------------
    "reader.not_finite": "the value is not a finite number",
    "reader.too_large_or_small": "the value is too large or too small to be an answer",
    "reader.out_of_range": "out of range: a value in it is about 10^{exponent}, too large to be an answer (an answer "
                           "is at most 10^{most} in size)",
    "reader.cancel": "the terms of a sum cancel in more than {digits} digits (one is about 10^{exponent}): write the "
                     "value it has",
    "reader.unknown_symbol": "unknown symbol {name}",
    "reader.unknown_word": "unknown symbol {name}: words are not read inside an answer; write the value alone",
    "reader.too_many_steps": "too much to evaluate (more than {most} steps: sums inside sums?)",
    "reader.too_many_terms": "a sum of more than {most} terms",
    "reader.no_case": "no case applies",
    "reader.division_by_zero": "division by zero",
    "reader.fractional_power": "a fractional power of a negative number is not a real number; for a real root write "
                               "\\sqrt[3]{{…}}",
    "reader.square_root_negative": "a square root of a negative number is not a real number",
    "reader.even_root_negative": "an even ({root}th) root of a negative number is not a real number",
    "reader.power_too_large": "a power too large to be an answer",
    "reader.log_not_positive": "the logarithm of a number that is not positive",
    "reader.unknown_function": "unknown function {name}",
    "reader.cannot_evaluate": "cannot evaluate {kind}",
    "reader.too_long": "answer too long ({chars} characters; at most {most})",
    "reader.control_characters": "answer contains control characters (binary data?)",
    "reader.too_deep": "answer nested too deeply ({depth} levels; at most {most})",
    "reader.word_as_letters": "`{word}` is read as {letters}: write {command}(…)",
    "reader.word_not_understood": "`{word}` is not understood: it is read as {letters}, letters multiplied",
    "reader.unbalanced": "unbalanced parentheses after {command}",
    "reader.reason_in_numbers": "the reason `{cond}` is read only when it is in numbers (`1 \\text{{ since }} 4 > 0`); "
                                "write the value alone, or its condition in numbers",
    "reader.reason_does_not_hold": "the condition `{cond}` given as the reason does not hold",
    "reader.reason_not_comparison": "the reason `{cond}` is not a comparison (`net_3 > 0`, `4 > 0`); write the value "
                                    "alone, or its condition as a comparison",
    "reader.bad_case": "a case whose condition is not `\\text{{for}} a > b` or `\\text{{otherwise}}`",
    "reader.did_not_start": "not read: the LaTeX reader did not start within {seconds} s",
    "reader.budget_spent": "not read: this submission used up its parsing time",
    "reader.parser_not_understood": "I don't understand this",
    "reader.parser_expected_else": "I expected something else here",
    "reader.parser_expected_one_of": "I expected one of these: {tokens}",
    "reader.parser_missing": "missing {what}",
    "reader.empty": "empty expression",
    "reader.too_complex": "too complex to read: more than {seconds} s of computing time",
    "reader.parser_stopped": "the parser stopped on this answer",
    "reader.too_large_memory": "too large to read within {mb} MB",
    "reader.too_many_parts": "expression too large (more than {most} parts)",
    "reader.list_of_values": "a list of values, where one value was expected",
    "reader.relation_inside": "a relation (=, <, >) inside an expression",
    "reader.cannot_contain": "{kind} is not something an answer can contain",
    "reader.mixed_number": "{written} is ambiguous: a whole number next to a fraction; did you mean {value} ({whole} + "
                           "{num}/{den})? Write {value}, or {whole} \\times \\frac{{{num}}}{{{den}}} for a product",
    "reader.chinese_dash": "—— (the Chinese dash) inside an answer: did you mean _ (a subscript, as in u_3) or - "
                           "(a minus)?",
    "reader.root_power": "{root} with a power right after the number is unclear: write {root}(…) around what is under "
                         "the root, e.g. √(3) or \\sqrt{{3}}",
    "reader.root_nothing": "{root} with nothing in brackets after it is unclear: write {root}(…) around what is under "
                           "the root, e.g. √(3) or \\sqrt{{3}}",
    "reader.chinese_stop": "。 inside an answer: write a decimal point as . (0.982), and one value per answer",
    "reader.chinese_text": "Chinese text ({text}) is not read inside an answer: write the value alone (like 0.9820), or "
                           "an equation {example}",
    # -- the terminal's own lines (cli.py), and the gradient check's kinks (gradcheck.py) -------------
    "cli.terminated": "terminated",
    "cli.interrupted": "interrupted",
    "cli.gradebook_not_written": "; gradebook not written",
    "cli.internal_error_named": "internal error (not a fault of your input): {error}",
    "cli.internal_error_bug": "internal error (a bug in symbackprop, not in your input): {error}",
    "gradcheck.kink_at": "{net} = {value} is at a kink of {activation}",
    "gradcheck.kink_loss": "{note}, a kink of the {loss} loss",
    # -- an answers file or write-up that cannot be read (answers/read.py) -----------------------------
    "answers_file.empty": "{source}: the file is empty: no answers",
    "answers_file.not_mapping": "{source}: expected a mapping of quantity ids or names to answers",
    "answers_file.parts": "{source}: {item}: this problem has parts {parts}; put each part's answers under its name, "
                          "or choose one with --part",
    "answers_file.part_not_mapping": "{source}: {part}: expected a mapping of quantity ids or names to answers",
    "answers_file.surrogate": "{part}: {item}: holds a lone surrogate (\\ud800-\\udfff), which is no character; not read",
    "answers_file.long_name": "{part}: {item}: not a quantity of this problem (a name of {chars} characters)",
    "answers_file.rule_not_text": "{part}: {item}: a rule is LaTeX text, got {got}",
    "answers_file.unknown": "{part}: {item}: not a quantity of this problem",
    "answers_file.unknown_suggest": "{part}: {item}: not a quantity of this problem (did you mean {close}?)",
    "answers_file.not_number": "{part}: {item}: expected a number or a LaTeX string, got {got}",
    "answers_file.json_twice": "{source}: the key {item} is given twice in one object; give each answer once",
    "answers_file.not_json": "{source}: not a JSON file ({why})",
    "answers_file.json_deep": "{source}: lists and mappings nested more than {most} levels deep; not read",
    "answers_file.json_surrogate": "{source}: a string holds a lone surrogate (\\ud800-\\udfff), which is no "
                                   "character; not read",
    "writeup.binary": "{source}: a binary file, not a LaTeX or Markdown write-up",
    "writeup.not_utf8": "{source}: not UTF-8 text",
    "writeup.too_many_lines": "{source}: {lines} lines; a write-up may have at most {most}",
    "writeup.line_too_long": "line {line}: {chars} characters; a line may have at most {most}: not read",
    "writeup.unknown_suggest": "line {line}: {name}: not a quantity of this problem (did you mean {close}?)",
    "writeup.no_part": "{source}: no line names a part ({parts}); choose one with --part",
    "writeup.no_equation": "{source}: no equation names a quantity of this problem (like $u_3 = …$: a write-up's "
                           "equations are read inside $…$, \\(…\\), \\[…\\], in align* rows, or on lines of their own "
                           "that start with a quantity's name: u_3 = …)",
    "answers_file.over_limit": "{source}: {why}",
    "grade.over_memory": "not graded: exceeded the {mb} MB memory limit for one submission",
    "grade.over_time": "not graded: exceeded the {seconds} s limit for one submission (its grading was stopped)",
    # -- why an entry of a class folder is not graded (classfolder.py) --------------------------------
    "folder.two_entries": "{entries}: one student, {n} entries; a student is one file or one folder, so none is graded",
    "folder.entry": "{entry}: {why}",
    "folder.entry_not_read": "{entry}: {why}; not read",
    "folder.link_out_folder": "{entry}: a link to a folder outside the submissions folder; not read",
    "folder.link_out_file": "{entry}: a link to a file outside the submissions folder; not read",
    "folder.link_not_answers": "{entry}: a link to {target}, which is not an answers file; not read",
    "folder.cannot_read": "{entry}: cannot be read: {why}",
    "folder.too_many_entries": "{entry}: more than {most} entries; not read",
    "folder.empty": "{entry}: empty (a student's folder holds one file ending in {suffixes})",
    "folder.no_answers_file": "{entry}: no answers file (a student's folder holds one file ending in {suffixes})",
    "folder.several_files": "{entry}: {n} answers files ({listed}); a student's folder holds one, so none is graded",
    "folder.a_folder": "{entry}: a folder; not read",
    "folder.became_link": "became a link after it was checked; not read",
    "folder.file_cannot_read": "cannot be read: {why}",
    "folder.not_regular": "not a regular file; not read",
    "folder.hard_link": "a hard link (the file has {n} names, which may lie outside the folder); not read",
    "grade.over_cpu": "not graded: needs more than {seconds} s of computing time, the most one submission may cost",
    "report.notebook_source": "part {part}",
    # -- a number with two readings (answers/numbers.py) ------------------------------------------------
    "doubt.or": "{first} or {rest}",
    "doubt.thousands_comma": "{written} is unreadable: a thousands separator or a decimal comma? did you mean "
                             "{readings}? write the number without a thousands separator, with a decimal point",
    "doubt.commas": "{written} is unreadable: digits separated by commas in no usual way; did you mean {reading}? "
                    "write one number with a decimal point",
    "doubt.mixed": "{written} is unreadable: a mixed number or a product? did you mean {readings}? write {writes}",
    "doubt.one_number": "{reading} (one number)",
    "doubt.a_product": "{reading} (a product)",
    "doubt.spaced": "{written} is unreadable: numbers separated only by a space; did you mean {readings}? write one "
                    "number, or \\cdot between numbers",
    "doubt.bare_argument": "{written} is unreadable: without braces only the first digit is the argument; write "
                           "{command}{{…}} with braces around the argument",
    "doubt.bare_exponent": "{written} is unreadable: an exponent without braces; did you mean {readings}? write the "
                           "exponent in braces",
    "doubt.overline": "\\overline is not read: a repeating decimal (0.\\overline{{3}}) or a mean? write the value as a "
                      "number or a fraction (\\frac{{1}}{{3}})",
    "doubt.over": "\\over is read only between two numbers ({{9 \\over 2}}); write \\frac{{a}}{{b}}",
    "doubt.european": "{written} is unreadable: a dot between groups of three and a decimal comma? did you mean "
                      "{reading}? write the number without a thousands separator, with a decimal point",
    "doubt.middle_dot": "{written} is unreadable: a middle dot between digits is a decimal point or a product; did you "
                        "mean {readings}? write a decimal point, or \\cdot with spaces",
    "doubt.prime": "{written} is unreadable: a prime (') after a number; did you mean {reading}? write the number alone",
    "doubt.apostrophe": "{written} is unreadable: an apostrophe between digits (a thousands separator?); did you mean "
                        "{readings}? write the number without separators, with a decimal point",
    "doubt.several_points": "{written} is unreadable: a number with several decimal points; did you mean {readings}? "
                            "write one decimal point",
    "doubt.glued": "{written} is unreadable: a digit directly before a wrapped number (printed as one number, read as "
                   "a product); did you mean {reading}? write the number once, unwrapped",
    # -- a file that is no YAML we read (errors.py, yamlfile.py) ------------------------------------------
    "error.at": "{where}: {message}",
    "yaml.cannot_read": "cannot read the file: {why}",
    "yaml.not_utf8": "not UTF-8 text (byte {byte})",
    "yaml.not_read": "{problem}; not read",
    "yaml.invalid": "invalid YAML: {what}",
    # -- a bad problem, rubric or answers file, a bad class folder (problem.py, fields.py, yamlfile.py, budget.py,
    #    rubric.py, usertext.py, losses.py, classfolder.py) and Click's usage errors (usage.py) -------------------
    "file.problem": "a problem file",
    "file.rubric": "a rubric file",
    "file.answers": "an answers file",
    "file.writeup": "a write-up",
    "kind.fifo": "a FIFO (named pipe)",
    "kind.device": "a device",
    "kind.socket": "a socket",
    "kind.folder": "a folder",
    "kind.not_regular": "not a regular file",
    "yaml.not_a_file": "is {kind}, not a file; give the path of {what}",
    "yaml.too_large": "file is larger than {most} bytes, the most {what} may have",
    "yaml.too_deep": "lists and mappings nested more than {most} levels deep",
    "yaml.too_many_values": "more than {most} values",
    "yaml.alias_cycle": "an alias refers to a list or mapping that contains it; YAML aliases may only repeat a value "
                        "defined before",
    "yaml.key_not_scalar": "a key must be text or a number, not a list or mapping",
    "yaml.key_twice": "this key is given twice; give each field once",
    "yaml.control_character": "not YAML text: a control character (#x{code}) where only printable characters may "
                              "stand (binary data?)",
    "yaml.not_text": "not YAML text: {why}",
    "yaml.aliases_expanded": "{n} values once its aliases (*name) are expanded; at most {most}",
    "yaml.bad_value": "cannot read a value: {why}",
    "number.spelling": "{value} {why}; write numbers as decimals, like 31, -0.5 or 0.9820",
    "number.too_many_chars": "has {chars} characters; a number may have at most {most}",
    "number.infinite": "is not a finite number",
    "number.separators": "has digit separators _",
    "number.hexadecimal": "is hexadecimal",
    "number.binary": "is binary",
    "number.base60": "is a base-60 number (YAML reads 1:20 as 80)",
    "number.octal": "starts with 0 (YAML reads 017 as octal)",
    "number.too_large": "is too large: not a finite number",
    "number.not_decimal": "is not a decimal number",
    "number.not_finite": "{value} is not a finite number",
    "field.expected_number": "expected a number, got {got}",
    "field.number_too_large": "number too large; at most {most} digits",
    "field.expected_finite": "expected a finite number, got {got}",
    "field.exponent_range": "exponent {exp} out of range; allowed -{most} to {most}",
    "field.division_by_zero": "division by zero in a fraction",
    "field.not_a_number": "expected a number (like 3, -0.5, 1/3 or 1e-3), got {got}",
    "field.not_unit_id": "{got} is not a unit id; use a whole number (3) or a name of letters and digits starting "
                         "with a letter (h1)",
    "field.not_mapping": "expected {what} (a mapping), got {got}",
    "field.unknown_key": "unknown field {field} in {what}; allowed: {allowed}",
    "text.nothing": "expected text for the {what}, got nothing",
    "text.not_text": "expected text for the {what}, got {got}",
    "text.too_long": "the {what} has {chars} characters; at most {most} are allowed",
    "text.control": "the {what} contains the control character {char} at character {at}; only printable text (with "
                    "tabs and line breaks) is allowed",
    "what.problem": "a problem",
    "what.part": "a part",
    "what.the_network": "the network",
    "what.network": "network",
    "what.loss": "loss",
    "what.weight": "a weight",
    "what.weights": "the weights: `from unit: {{to unit: value}}`, or a list of per-layer matrices",
    "what.weights_out": "the weights out of unit {unit}: `{{to unit: value}}`",
    "what.layer_weights_shape": "a layer's weights: {{W: [[...]], b: [...]}}",
    "what.layer_weights": "a layer's weights",
    "what.sample_shape": "a sample: {{x: {{input unit: value}}, t: {{output unit: value}}}}",
    "what.sample": "a sample",
    "what.input_values": "values by input unit",
    "what.output_values": "values by output unit",
    "what.the_notation": "the notation",
    "what.notation": "notation",
    "problem.no_part": "no part named {name}; parts are {parts}",
    "problem.empty": "the file is empty; a problem needs network, weights, sample and loss",
    "problem.graph_model": "this file is a computation graph (model: {model}), not a network; read it with "
                           "symbackprop.graph.load_graph (the commands do)",
    "problem.not_a_model": "{got} is not a model; allowed: graph (a computation graph of formulas), quadratic (the "
                           "lecture's matrix example), masked_mean (a padded batch of sentences), or leave `model` out "
                           "for a network",
    "problem.parts_list": "expected a list of parts, each a mapping with a name",
    "problem.part_name": "{got} is not a part name; use letters, digits, _ and -",
    "problem.part_twice": "part name {got} is used twice",
    "problem.no_network": "missing; give inputs, layers (and bias) of the network",
    "problem.relu_g0": "g'(0) for ReLU must lie in [0, 1] (a sub-gradient); got {got}",
    "problem.no_weights": "missing; give every weight as `from unit: {{to unit: value}}`",
    "problem.learning_rate": "the learning rate must be positive; got {got}",
    "problem.batch_reduction": "unknown batch_reduction {got}; allowed: mean, sum",
    "problem.precision": "precision is the number of decimal places shown, 0 to 15; got {got}",
    "problem.no_inputs": "missing; list the input unit ids, e.g. [1, 2]",
    "problem.no_layers": "missing; list the layers after the inputs, e.g. [[3, 4], [5]]",
    "problem.unit_list": "expected a non-empty list of unit ids",
    "problem.layer_list": "expected a list of layers (lists of unit ids), the last one the outputs",
    "problem.unit_twice": "unit id {unit} is used twice; every unit needs its own id",
    "problem.too_many_units": "network too large; at most {most} units",
    "problem.activation_name": "an activation given as a mapping needs `name`",
    "problem.activation_not_text": "expected an activation name; known: {known}",
    "problem.unknown_activation": "unknown activation {got}; known: {known}",
    "problem.unknown_parameter": "unknown parameter {got}; {name} takes {allowed}",
    "problem.unknown_parameter_relu": "unknown parameter {got}; {name} takes {allowed} (g'(0) is set by "
                                      "relu_derivative_at_zero)",
    "problem.unknown_parameter_none": "unknown parameter {got}; {name} takes no parameters",
    "problem.unknown_parameter_none_relu": "unknown parameter {got}; {name} takes no parameters (g'(0) is set "
                                           "by relu_derivative_at_zero)",
    "problem.activations_per_layer": "expected one activation per layer after the inputs ({layers}), or one per "
                                     "hidden layer ({hidden}) with output_activation; got {got}",
    "problem.no_activation": "no activation given for layer {layer}; set network.activation (known: {known})",
    "problem.softmax_hidden": "softmax is only allowed on the output layer",
    "problem.no_loss": "missing; known losses: {known}",
    "problem.loss_not_text": "expected a loss name; known: {known}",
    "problem.unknown_loss": "unknown loss {got}; known: {known}",
    "problem.no_such_unit": "unit {unit} does not exist; units are {units}",
    "problem.not_a_connection": "{src} -> {dst} is not a connection of this network; weights go from each unit (and "
                                "the bias) to every unit of the next layer",
    "problem.missing_weight": "missing the weight from unit {src} to unit {dst}",
    "problem.weight_value": "a weight given as a mapping needs `value`",
    "problem.weight_name": "{got} is not a weight name; use letters then digits, like w1",
    "problem.true_or_false": "expected true or false",
    "problem.matrices_per_layer": "weights as matrices need one entry per layer after the inputs ({layers}); got {got}",
    "problem.matrix_rows": "expected {rows} rows (one per unit {row_units}), each with {cols} values (one per unit "
                           "{col_units})",
    "problem.matrix_row": "expected {cols} values (one per unit {col_units})",
    "problem.bias_weights": "expected {rows} bias weights (one per unit {row_units})",
    "problem.no_bias": "the network has no bias unit; set network.bias to give bias weights",
    "problem.sample_and_samples": "give either `sample` or `samples`, not both",
    "problem.samples_list": "expected a non-empty list of samples, each {{x: {{...}}, t: {{...}}}}",
    "problem.too_many_samples": "too many samples; at most {most}",
    "problem.no_sample": "missing; give the data as `sample: {{x: {{unit: value}}, t: {{unit: value}}}}`",
    "problem.no_input_values": "missing; give a value for every input unit ({units})",
    "problem.no_output_values": "missing; give a value for every output unit ({units})",
    "problem.input_count": "expected {n} values, one per input unit ({units})",
    "problem.output_count": "expected {n} values, one per output unit ({units})",
    "problem.not_input": "unit {unit} is not an input unit; inputs are {units}",
    "problem.not_output": "unit {unit} is not an output unit; outputs are {units}",
    "problem.missing_input": "missing the value of input unit {unit}",
    "problem.missing_output": "missing the value of output unit {unit}",
    "problem.target": "target of unit {unit} is {value}; {why}",
    "problem.notation_choice": "unknown {setting} notation {got}; allowed: {allowed}",
    "problem.symbol_name": "{got} is not a symbol name; use 1 to 8 letters, like u or y",
    "loss.targets_between": "{loss} needs targets in [{low}, {high}]",
    "loss.targets_at_least": "{loss} needs targets in {low} or more",
    "loss.targets_at_most": "{loss} needs targets in {high} or less",
    "count.weight": "{n} weight",
    "count.weights": "{n} weights",
    "count.unit": "{n} unit",
    "count.units": "{n} units",
    "count.sample": "{n} sample",
    "count.samples": "{n} samples",
    "budget.docs": "see {page}",
    "problem.in_part": "part {name}: {message}",
    "budget.exact_digits": "exact values would grow to about {digits} digits (twice the digits of the numbers over "
                           "their common denominator); at most {most}: write the numbers as decimals with fewer places, "
                           "or use fewer distinct fractions ({docs})",
    "budget.work": "({weights} + {units}) × {samples} = {work}",
    "budget.parts": "{n} parts cost {total} together (the largest, {name}: {what}); at most {most} (weights + units) "
                    "× samples over all parts ({docs})",
    "budget.network": "network too large: {what}; at most {most} (weights + units) × samples ({docs})",
    "budget.check": "network too large for --check: its finite differences evaluate the whole loss twice per weight: "
                    "{weights} × a loss of {work} units = {direct}; at most {most}. Solve it without --check ({docs})",
    "rubric.out_of_range": "{value} is out of range; allowed from {low} to {high}",
    "rubric.below": "{value} is out of range; allowed at least {low}",
    "rubric.not_mapping": "expected a mapping with items, tolerance and credit",
    "rubric.unknown_key": "unknown field {field}; allowed: {allowed}",
    "rubric.items": "expected a list of quantity ids or a mapping id: points",
    "rubric.tolerance": "expected {{relative: …, absolute: …}}",
    "rubric.credit": "expected a mapping of kinds to fractions of a point",
    "rubric.unknown_kind": "unknown kind {kind}; allowed: {allowed}",
    "rubric.unknown_item": "grading.items: {item} is not a quantity of this problem; items are quantity ids such as "
                           "act_3, loss, delta_5, update_w_3_5 (the ids of `symbackprop solve --format json`)",
    "classfolder.not_a_folder": "{folder}: not a folder of submissions",
    "classfolder.too_many_entries": "{folder}: more than {entries} entries; at most {most} submissions in one run",
    "classfolder.no_submissions": "{folder}: no submissions (files ending in {suffixes}, or one such file per "
                                  "sub-folder)",
    "classfolder.none_graded": "{folder}: no submissions (files ending in {suffixes}, or one such file per "
                               "sub-folder); not graded: {why}",
    "classfolder.too_many": "{folder}: {n} submissions; at most {most} in one run",
    "usage.usage": "Usage: ",
    "usage.try_help": "Try '{command} {option}' for help.",
    "usage.error": "Error: {message}",
    "usage.in_english": "{message}",
    "usage.not_a_choice": "{value} is not one of {choices}.",
    "usage.not_an_integer": "{value} is not a valid integer.",
    "usage.not_a_number": "{value} is not a valid float.",
    "usage.out_of_range": "{value} is not in the range {range}.",
    "usage.extra_argument": "Got unexpected extra argument ({args})",
    "usage.extra_arguments": "Got unexpected extra arguments ({args})",
    "usage.no_such_command": "No such command {name}.",
    "usage.no_such_option": "No such option {name}.",
    "usage.did_you_mean": "{first} Did you mean {possibility}?",
    "usage.possible_options": "{first} (Possible options: {possibilities})",
    "usage.missing_argument": "Missing argument {name}.",
    "usage.missing_option": "Missing option {name}.",
    "usage.missing_parameter": "Missing parameter {name}.",
    "usage.invalid_value_for": "Invalid value for {param}: {why}",
    "usage.invalid_value": "Invalid value: {why}",
    "usage.takes_no_value": "Option {name} does not take a value.",
    "usage.needs_value": "Option {name} requires an argument.",
    "usage.needs_values": "Option {name} requires {n} arguments.",
    "folder.hidden": "{entry}: hidden (its name starts with '.')",
    "folder.macos_metadata": "macOS archive metadata",
    "folder.windows_thumbnails": "Windows thumbnail cache",
    "folder.windows_settings": "Windows folder settings",
    "folder.link_to_itself": "{entry}: a link to the submissions folder itself",
    "folder.link_around_it": "{entry}: a link to the submissions folder itself or a folder around it",
    "folder.not_answers": "{entry}: not an answers file (those end in {suffixes})",
    "folder.link_loops": "a link that loops",
    "folder.link_dangles": "a link to nothing (its target does not exist)",
    "folder.bad_name": "a name that cannot be opened",
    "folder.kind_fifo": "a FIFO (named pipe), not a file",
    "folder.kind_device": "a device, not a file",
    "folder.kind_socket": "a socket, not a file",
    "folder.kind_other": "not a regular file",
    "output.is_input": "{label} {path}: is the input {input} {input_path}; write the output elsewhere",
    "output.in_input_folder": "{label} {path}: inside the input {input} {input_path}, whose files are all read as input; "
                              "write the output elsewhere",
    "output.same_file": "{label} {path}: the same file as {other} {other_path}; give each output its own file",
    "output.cannot_write": "{label} {path}: cannot write: {why}",
    "output.is_folder": "it is a folder; give a file name",
    "output.no_folder": "the folder {folder} does not exist",
    "output.not_folder": "{folder} is not a folder",
    "output.no_permission": "no permission to write in the folder {folder}",
    "output.exists_not_folder": "it exists and is not a folder",
    "output.no_permission_here": "no permission to write in this folder",
    "output.no_permission_make": "no permission to make a folder in {folder}",
    "output.cannot_make": "{label} {path}: cannot make this folder: {why}",
    "output.folder_in_the_way": "{label}: {path} is a folder; a file cannot be written there; move it away",
    "output.would_be_same": "{label}: {path} would be the same file as {other} {other_path}; write the outputs elsewhere",
    "output.would_be_one": "{label}: {path} and {other_path} would be one file; rename one of the entries",
    "output.cannot_write_file": "{path}: cannot write: {why}",
    "usage.suffix_output": "{path}: cannot tell the format from the suffix {suffix}; use --format ({formats}) or one of "
                           "{suffixes}",
    "usage.suffix_report": "{path}: cannot tell the report format from the suffix {suffix}; use --format ({formats}) or "
                           "one of {suffixes}",
    "usage.pdf_needs_file": "PDF output needs a file: add -o FILE.pdf",
    "usage.input_in_class_folder": "{label} {path}: inside SUBMISSIONS_DIR {folder}, where it would be graded as a "
                                   "student's submission; keep it outside",
    "usage.cannot_make_folder": "{label} {path}: cannot make this folder: {why}; nothing written",
    "usage.layers": "--layers {text}: give the unit counts from inputs to outputs, e.g. 2,2,1 (2 to {depth} layers of "
                    "1 to {width} units)",
    "usage.options_without_file": "{options}: only without a problem file (the file sets the network); drop the option "
                                  "or the file",
    "usage.quadratic_no_parts": "{path}: --part: the matrix example (model: quadratic) has no parts",
    "usage.part_needs_file": "--part needs a problem file",
    "usage.activation": "--activation {value}: not a hidden activation; choose from {known}",
    "usage.output_activation": "--output-activation {value}: unknown; choose from {known}",
    "usage.loss": "--loss {value}: unknown; choose from {known}",
    "answer.plus_minus": "an answer with ± has two values (or a value and an error): give one value, not ±; did you "
                         "mean the value before the ±?",
    "answer.plus_minus_before": "an answer with ± has two values (or a value and an error): give one value, not ±; did "
                                "you mean {value}?",
    "answer.not_decimal": "{value} is not a decimal number",
    "answer.too_many_numbers": "more than {most} numbers in one expression",
    # -- issue 11 leftovers (session 8): a loss counted twice, a batch summed for its mean -----------------
    "diagnosis.loss_doubled": "twice the expected value: the loss counted twice (a factor 2, or a sum taken twice)",
    "diagnosis.mean_missing": "{n} times the expected value: the sum of the {n} samples' losses, not their mean",
    "code.loss_doubled": "loss_doubled",
    "code.mean_missing": "mean_missing",
    # -- derive: conventions in the file's loss symbol, distinct values checked, no hidden layer, batches ---
    "derive.convention.dJ_dnet": "δ = ∂{J}/∂net (in-class convention)",
    "derive.convention.minus_dJ_dnet": "δ = −∂{J}/∂net (appendix convention)",
    "derive.values_agree_one": "1 value agrees",
    "derive.values_agree": "{count} values agree",
    "derive.values_compared": "{count} values compared",
    "derive.comparisons": "each by the general rule and by its specialised form: {count} comparisons; ",
    "derive.no_hidden_layer": "No hidden layer: the output units take the inputs *x_i* directly, so there is no δ_j "
                              "rule and no input-to-hidden weight",
    "derive.batch_mean": "A batch of {size} samples, {Jm} = (1/N)·Σ_n {J}^(n): δ_k and δ_j hold in each sample *n* "
                         "(δ_k^(n), δ_j^(n), with {J}^(n) for {Jm}); ∂{J}/∂w and Δw add up the samples",
    "derive.batch_sum": "A batch of {size} samples, {Jm} = Σ_n {J}^(n): δ_k and δ_j hold in each sample *n* "
                        "(δ_k^(n), δ_j^(n), with {J}^(n) for {Jm}); ∂{J}/∂w and Δw add up the samples",
    "derive.grad_output_weight.no_hidden_layer": "Gradient of an input-to-output weight",
    "derive.update_output_weight.no_hidden_layer": "Update of an input-to-output weight",
    # issue 12, HTML output: a check report's formulas, source and typeset (render/report.py)
    "report.formulas_typeset": "Formulas are shown as the LaTeX you wrote and, below it, typeset.",
    # the weight table beside a network picture too large for labels on its edges (render/picture.py)
    "picture.table_from": "from",
    "picture.table_to": "to",
    "picture.table_value": "value",
    # -- issue 12: loss none, input gradients, the bias input of -1 --------------------------------------
    "problem.loss_outputs": "loss {loss} is the value of the single output unit ({loss} = u), but the network has "
                            "{got} output units ({units}); give the network {want} output unit, or choose a loss of "
                            "the outputs and targets (half_squared_error, cross_entropy, ...)",
    "problem.loss_no_targets": "loss {loss} uses no targets (J is the output's value): remove t from the sample",
    "problem.bias_input": "bias_input is {got}; allowed: 1 (net = Σ w·x + b, the default) or -1 "
                          "(net = Σ w·x − θ, the bias weight a threshold θ)",
    "problem.bias_input_no_bias": "bias_input needs a bias unit: add network.bias, or remove bias_input",
    "section.inputs": "Input gradients",
    "note.bias_input": "The bias input is {bias} = {value}, so {net}: the weight {theta} from the bias to unit *j* "
                        "is a threshold, and its gradient has the opposite sign of a bias input of 1.",
    # -- issue 12: shared (tied) weights ------------------------------------------------------------------
    "what.shared": "the shared parameters as name: [weight ids], e.g. {{b1: [w_0_3, w_0_4]}}",
    "problem.shared_name": "{got} is not a name for a shared parameter: letters then digits (b1, a2), at most 8, "
                           "and not a weight's own name",
    "problem.shared_edges": "shared parameter {name} needs a list of two or more weight ids, e.g. [w_0_3, w_0_4]",
    "problem.shared_not_weight": "{got} is not a weight of the network; write a weight id w_<from>_<to>, e.g. w_0_3",
    "problem.shared_twice": "{got} is in a shared parameter already: an edge can be tied to one parameter only",
    "problem.shared_values": "the edges of shared parameter {name} need the same given value and frozen "
                             "setting: {first} is {first_value} but {edge} is {value}",
    "section.shared": "Shared weights",
    # issue 12 (CLI): "did you mean …?" hints and `symbackprop list`
    "hint.did_you_mean": "{first} (did you mean {close}?)",
    "hint.did_you_mean_sentence": "Did you mean {close}?",
    "solution.no_step": "part {part} has no step named {name}: use an id of `solve --format json` (act_3, delta_5) or a name as written (u_3, \\delta_5)",
    "solution.no_step_suggest": "part {part} has no step named {name} (did you mean {close}?)",
    "solution.no_part": "no part named {name}; parts are {parts}",
    "list.activations": "Activations",
    "list.activations_intro": "g(x) of a unit's net input x, and g'(x) as `solve` writes it (g stands for g(x))",
    "list.losses": "Losses",
    "list.losses_intro": "J over the output units: the term of output u_k with target t_k, and ∂J/∂u_k (sympy.diff)",
    "list.name": "name",
    "list.formula": "formula",
    "list.derivative": "derivative",
    "list.notes": "notes",
    "list.also": "also written {names}",
    "list.params": "parameters (default) {params}",
    "list.note_relu": "g'(0) is the file's relu_derivative_at_zero (default 0)",
    "list.note_softmax": "output layer only; with cross-entropy, δ_k = u_k − t_k",
    "list.note_output": "default output activation {activation}",
    "list.note_domain": "needs outputs {domain}",
    "list.note_kink": "sub-gradient 0 where {where}",
    "mistakes.several": "{first}\n{rest}",
    "mistakes.more": "… and {count} more (the first {limit} are shown)",
    "list.note_one_output": "one output unit only, and no targets",
    # -- session 8 fixes: one gradient checked (singular) --------------------------------------------
    "gradcheck.summary_one": "Check: {n} gradient, three ways: {verdict}",
    # -- derive of a computation graph: the backward pass, then the inputs -------------------------------
    "graph.derive_backward": "{grads} by the backward pass, in the node names",
    "graph.derive_inputs": "{grads} written out in the inputs",
    # -- checking a computation graph's answers (answers/graph_answers.py) ---------------------------------
    "graph_answers.not_a_number": "expected a number or a LaTeX expression",
    "graph_answers.cannot_evaluate": "cannot evaluate: {why}",
    "graph_answers.twice": "{id} is answered twice (line {line}); the first answer is checked",
    "graph_answers.unknown_id": "{id} is not a quantity of this graph; ids are {ids}, …",
    "graph_answers.expected": "expected {expected}",
    "graph_answers.too_many": "{path}: too many answers: {count}; at most {limit}",
    # -- computation graphs: the formula reader (formula.py) and the graph file (graph.py) -------------------
    "formula.char_dot": "'.' (attribute access is not allowed)",
    "formula.char_underscore": "'_' (a name starts with a letter)",
    "formula.char_bracket": "'[' (indexing is not allowed)",
    "formula.unexpected_character": "unexpected character {what}; allowed: {allowed}",
    "formula.too_many_nodes": "formula too long: more than {most} numbers, names and operations; split it into "
                              "several nodes",
    "formula.too_deep": "formula nested too deeply: more than {most} levels",
    "formula.expected": "expected {what}, got {got}",
    "formula.unexpected_after": "unexpected {got}; an operator (+ - * / ^) or the end was expected",
    "formula.close_paren": "')' to close the '(' at column {column}",
    "formula.unexpected_operand": "unexpected {got}; a number, a name, a function call or '(' was expected",
    "formula.unknown_function": "unknown function {name}; functions: {functions}",
    "formula.close_call": "')' to close the call of {name}",
    "formula.arity_one": "{name} takes 1 argument, got {got}",
    "formula.arity": "{name} takes {want} arguments, got {got}",
    "formula.end": "end of the formula",
    "formula.not_text": "expected a formula (text), got {got}",
    "formula.too_long": "formula too long: {chars} characters; at most {most}",
    "formula.empty": "the formula is empty; allowed: {allowed}",
    "formula.too_many_digits": "number {number} has too many digits; at most {most}",
    "formula.exponent_range": "exponent of {number} out of range; allowed -{most} to {most}",
    "formula.a_scalar": "a scalar",
    "formula.a_matrix": "a {rows}×{cols} matrix",
    "formula.too_large": "formula too large once written out (about {cost} terms per entry; at most {most}); split "
                         "it into several nodes",
    "formula.none": "none",
    "formula.unknown_name": "unknown name {name}; names allowed here: {allowed}",
    "formula.unknown_name_function": "unknown name {name} ({function} is a function: call it as {function}(...)); "
                                     "names allowed here: {allowed}",
    "formula.cannot_add": "cannot add {b} to {a}",
    "formula.cannot_subtract": "cannot subtract {b} from {a}",
    "formula.cannot_multiply": "cannot multiply {a} by {b}: {cols} columns against {rows} rows",
    "formula.cannot_divide": "cannot divide by {b}; only by a scalar",
    "formula.division_by_zero": "division by zero",
    "formula.matrix_power": "cannot raise {a} to a power; powers are of scalars (write M*M for a matrix product)",
    "formula.exponent_not_number": "the exponent must be a number (from -{most} to {most}); write exp(y*ln(x)) for "
                                   "x to the power y",
    "formula.exponent_too_large": "exponent {exponent} too large; allowed -{most} to {most}",
    "formula.zero_negative_power": "division by zero (0 to a negative power)",
    "formula.dot_shapes": "dot takes two vectors of the same length; got {a} and {b}",
    "formula.shapes_differ": "{name} of {a} and {b}: the shapes differ",
    "graph_file.missing_inputs": "missing; give the given values, e.g. {{x: -2, y: 5, z: -4}}",
    "graph_file.missing_nodes": "missing; give the nodes in order, each a formula of earlier names, e.g. "
                                "{{q: x + y, f: q*z}}",
    "graph_file.no_inputs": "give at least one input",
    "graph_file.too_many_inputs": "too many inputs: {count}; at most {most}",
    "graph_file.no_nodes": "give at least one node, e.g. f: (x + y)*z",
    "graph_file.too_many_nodes": "too many nodes: {count}; at most {most}",
    "graph_file.too_much_work": "graph too large to differentiate: about {work} steps of work; at most {most} (use "
                                "fewer or smaller matrices)",
    "graph_file.precision": "precision is the number of decimal places shown, 0 to 15; got {got}",
    "graph_file.not_a_name": "{got} is not a name; use a letter then letters and digits, at most 16",
    "graph_file.not_a_name_underscore": "{got} is not a name; use a letter then letters and digits, at most 16 "
                                        "(x and w0 are names; grad and _ are not)",
    "graph_file.reserved": "{name} is reserved (a function or a word of the ids); choose another name",
    "graph_file.already_input": "{name} is already an input; every input and node needs its own name",
    "graph_file.already_node": "{name} is already a node; every input and node needs its own name",
    "graph_file.empty_list": "an empty list; give a number, a list of numbers (a vector) or a list of rows",
    "graph_file.matrix_size": "a matrix has 1 to {most} rows and columns; got {rows}×{cols}",
    "graph_file.ragged": "row {row} has {count} entries; the first row has {cols}",
    "graph_file.mixed": "mixes numbers and rows; give a list of numbers (a vector) or a list of rows (a matrix)",
    "graph_file.vector_size": "a vector has 1 to {most} entries; got {count}",
    "graph_file.not_a_formula": "expected a formula (text such as \"q*z\"), got {got}",
    "graph_file.uses_itself": "{name} uses itself; a node is a formula of the inputs and the nodes above it",
    "graph_file.used_before": "{name} is used before it is defined; nodes are computed in order, each from the "
                              "inputs and the nodes above it",
    "graph_file.formula_at": "in the formula {formula} at column {column} ({caret}): {message}",
    "graph_file.formula": "in the formula {formula}: {message}",
    "graph_file.output_not_node": "{got} is not a node; nodes are {nodes}",
    "graph_file.output_matrix": "the output {name} is a {rows}×{cols} matrix; the differentiated output must be a "
                                "scalar (sum it, or pick a scalar node)",
    "graph_file.parameters_list": "expected a list of input names, e.g. [{example}]",
    "graph_file.parameter_not_input": "{got} is not an input; inputs are {inputs}",
    "graph_file.parameter_twice": "{name} is listed twice",
    "graph_file.node": "node {name}",
    "graph_file.undefined": "{what} is not defined at these values (a division by zero, the log of 0, …)",
    "graph_file.not_real": "{what} is not a real number at these values (the log or square root of a negative "
                           "number?)",
    "graph_file.composed_too_large": "node {name} written out in the inputs has more than {most} terms; too large "
                                     "to differentiate directly",
    "graph_file.gradient_too_large": "{grad} has more than {most} terms; too large to write out",

    # -- session 8 fixes (s8-fixcheck): the gradebook's notes, "or" in hints, common OS errors -------------
    "gradebook.skipped": "skipped: {reason}",
    "names.or": "{first} or {rest}",
    "names.updated_weight": "{w}^new (the updated weight)",
    "names.given_weight": "{w} (the given weight)",
    "os.ENOENT": "No such file or directory",
    "os.EACCES": "Permission denied",
    "os.EISDIR": "Is a directory",
    "os.ENOTDIR": "Not a directory",
    "os.ENOENT.lower": "no such file or directory",
    "os.EACCES.lower": "permission denied",
    "os.EISDIR.lower": "is a directory",
    "os.ENOTDIR.lower": "not a directory",
    # issue 12 items 4-6: activations written as formulas, cross-entropy on one output
    "what.activation_formula": "an activation formula",
    "problem.activation_formula_text": "formula must be text, a formula of x such as \"1.7159*tanh(2*x/3)\"; got {got}",
    "problem.activation_formula_name": "name {got} of an activation formula must be a word (a letter, then letters, "
                                       "digits or _, at most 40) and not the name of a built-in activation",
    "problem.activation_formula": "activation formula {text!r}: {why}",
    "problem.loss_min_outputs": "{loss} needs at least {least} output units, the network has {got} (softmax of "
                                "one unit is always 1, so the loss and every gradient would be 0); for one output "
                                "use loss: {instead}",
    "problem.activation_not_finite": "{id} has no finite real value ({number}): activation formula {formula!r} or its "
                                     "derivative is not defined at {net} = {value}",
    "note.formula_kink": "{act} has no derivative at 0; the value SymPy's derivative takes there, *g'(0)* = {g0}, "
                         "is used at {where}.",
    "what.loss_formula": "a loss formula",
    "problem.loss_formula_text": "formula must be text, a formula of u and t such as \"(u - t)^2/2\"; got {got}",
    "problem.loss_formula_name": "name {got} of a loss formula must be a word (a letter, then letters, digits or _, "
                                 "at most 40) and not the name of a built-in loss",
    "problem.loss_formula": "loss formula {text!r}: {why}",
    # -- issue 12 (printing): losses and activations named in words in prose (render/prose.py) -----------
    "name.loss.half_squared_error": "half squared error",
    "name.loss.squared_error": "squared error",
    "name.loss.mse": "mean squared error",
    "name.loss.l1": "L1 (absolute error)",
    "name.loss.cross_entropy": "cross-entropy",
    "name.loss.binary_cross_entropy": "binary cross-entropy",
    "name.loss.none": "none (the output itself)",
    "name.activation.identity": "identity",
    "name.activation.sigmoid": "sigmoid",
    "name.activation.tanh": "tanh",
    "name.activation.relu": "ReLU",
    "name.activation.leaky_relu": "leaky ReLU",
    "name.activation.elu": "ELU",
    "name.activation.swish": "swish",
    "name.activation.gelu": "GELU",
    "name.activation.softplus": "softplus",
    "name.activation.softmax": "softmax",
    # -- graph write-ups, grading, follow-through and kinks (issue 12 item 0, session 9) -----------------
    "graph_check.kink": "{fn} in node {node} is evaluated at its kink ({where})",
    "graph_writeup.no_equation": "{source}: no equation names a quantity of this graph (like $q = …$ or "
                                 "$\\frac{{\\partial f}}{{\\partial x}} = …$: a write-up's equations are read inside $…$, \\(…\\), "
                                 "\\[…\\], in align* rows, or on lines of their own that start with a name: q = …, ∂f/∂x = …)",
    "graph_answers.not_an_answers_file": "{path}: a computation graph's answers are a YAML or JSON file of ids and "
                                         "values, or a write-up (.tex, .md, .markdown, .txt); not .{suffix}",
    # magnitude.py: values too large to compute (bounds on evaluation)
    "magnitude.value_too_large": "{id} is too large ({about}); values must be below {most} in magnitude",
    "magnitude.node_too_large": "{what} is too large ({about}); values must be below {most} in magnitude",
    # nonreal.py: why a formula has no finite real value, in plain words
    "nonreal.ln_negative": "is not a real number: ln of a negative number ({arg})",
    "nonreal.sqrt_negative": "is not a real number: square root of a negative number ({arg})",
    "nonreal.power_negative": "is not a real number: a fractional power of a negative number ({arg})",
    "nonreal.ln_zero": "is infinite: ln of 0 ({arg})",
    "nonreal.division_by_zero_at": "is infinite (division by zero: {arg})",
    "nonreal.infinite": "is infinite (division by zero)",
    "nonreal.undefined": "is undefined (0/0, or ∞ − ∞)",
    "nonreal.not_real": "is not a real number",
    "nonreal.activation_formula_at": "{id} {why} in the activation formula {formula!r} at {net} = {value}",
    "nonreal.activation_derivative_at": "{id} {why} in g'(x) = {dg}, the derivative of the activation formula "
                                        "{formula!r}, at {net} = {value}",
    "nonreal.loss_formula_at": "{id} {why} in the loss formula {formula!r} at {at}",
    "magnitude.power_too_large": "this power is too large ({about}); values must be below {most} in magnitude",
    # session 9 (s9-formula): the formula reader's own words, a formula loss's declared facts
    "formula.allowed": "numbers (3, -0.5, 1e-3), names, + - * / ^ (or **), parentheses, and the functions "
                       "{functions}",
    "formula.at_column": "column {column}: {message}",
    "formula.activation_needs_x": "an activation formula must use x (the unit's net input)",
    "formula.loss_needs_u": "a loss formula must use u (the output; t is its target)",
    "loss.formula_kink_note": "the argument of abs, max or min in the loss formula is 0",
    "problem.loss_formula_targets": "targets of a loss formula are any (the default), sum_to_one (each target at "
                                    "least 0, together 1, as for cross_entropy) or a range [low, high] (null for an "
                                    "open end, e.g. [0, null]); got {got}",
    "problem.loss_formula_range": "the range [{low}, {high}] is empty: its low end must be below its high end",
    "problem.loss_formula_half": "half: true says the loss is 1/2 times a term, as (u - t)^2/2, but the formula "
                                 "{text!r} is not; write the 1/2 in the formula or leave half out",
    # -- session 9: the bias input of a threshold network, the other δ convention's evidence --
    "diagnosis.bias_plus_one": "the bias input is −1 here (threshold: net = Σ w·x − θ); the answer uses +1",
    "code.bias_plus_one": "bias_plus_one",
    "charged.bias_plus_one": "the bias input taken as +1",
    "why.negated_follow_named": "the values computed from it ({names}) follow from it by this problem's rules "
                                "(negated too), so it is not the other convention",
    "diagnosis.every_delta_flipped_values": "every δ has the opposite sign: the other convention ({other}) instead "
                                            "of this problem's ({own}); used consistently, so the values computed "
                                            "from them are right",
    "diagnosis.every_delta_flipped_alone": "every δ has the opposite sign: the other convention ({other}) instead of "
                                           "this problem's ({own})",
    # --sig-figs (issue 12, printing)
    "usage.precision_and_sig_figs": "--precision and --sig-figs cannot be used together: give decimal places "
                                    "(--precision N) or significant figures (--sig-figs N)",
    "problem.precision_and_sig_figs": "precision and sig_figs cannot both be given: use precision (decimal places) "
                                      "or sig_figs (significant figures)",
    "problem.sig_figs": "sig_figs is the number of significant figures shown, 1 to 15; got {got}",
    # -- graph names that mean a constant (session 9, render/graph.py's display) ---------------------
    "graph_file.constant_name": "{name} reads as a constant of mathematics ({meaning}), in the steps and "
                                "their LaTeX; choose another name, a letter then letters and digits (e.g. {instead})",
    "graph_file.meaning.e": "Euler's number e",
    "graph_file.meaning.pi": "π",
    "graph_file.meaning.I": "the imaginary unit",
    "graph_file.meaning.inf": "infinity",
    "graph_file.meaning.nan": "not a number",
    # -- session 9 (s9-fixc): every WRONG verdict has a reason --
    "diagnosis.unexplained": "not the expected value, and none of the mistakes the checker knows gives it",
    "internal.wrong_without_reason": "the verdict WRONG on {name} has no reason",
    # s9 fixm: the class summary's legend for a computation graph (no δ convention to credit)
    "summary.legend_graph": "Items missed most often first (right: full points on its own; follow-through: wrong, "
                            "but correct from the student's own wrong earlier values, and credited; imprecise: the "
                            "right value to fewer places or figures than asked, partial credit; missed: answered, "
                            "neither right nor follow-through nor imprecise, so it lost points for a mistake; left "
                            "out: not answered by those who attempted the part). The commonest wrong answers and "
                            "diagnoses are those of the misses.",
    # s9 fixm: derive's lines, joined in the catalogue so that each language punctuates its own sentences
    "derive.header_units": "{hidden}: {acts}; {output}: {out}; {loss}: {loss_name}",
    "derive.header_convention": "{convention}; {weights}",
    "derive.check_none": "{where}: {none}",
    "derive.check_line": "{where}: {counted} ({forms}{max_error} {error}){verdict}",
    "derive.assumed": "{assumed}: {what}",
    "derive.alternative": "{label}: {rule}",
    # -- session 10 (s10-gsteps): a graph's worked solution: local partials, kinks, domains --
    "graph.local_partial_note": "A partial written with its node's operands, such as {local}, is local: {g}'s own "
                                "formula differentiated by {q} with its other operands ({others}) held fixed. It is "
                                "not the total {total}, which also counts the path through {through}.",
    "graph.kink_taken": "{kink}: there the derivative is a convention, and the one taken is {taken}.",
    "graph_file.domain_not_real": "{what} is not a real number at these values: {detail}",
    "graph_file.domain_undefined": "{what} is not defined at these values: {detail}",
    "graph_file.domain_function": "the argument of {fn}, {arg} = {value}, is outside its domain ({domain})",
    "graph_file.domain_division": "the divisor {arg} is 0 (a division by zero)",
    "graph_file.domain_zero_power": "{arg} = 0 is raised to the negative power {power}",
    "graph_file.domain_fraction_power": "{arg} = {value} is negative and raised to the fractional power {power}",
    "graph_file.domain.positive": "{fn} is defined for positive numbers only",
    "graph_file.domain.nonnegative": "{fn} is defined for numbers ≥ 0 only",
    # -- checking a computation graph's answers: shapes, diagnoses, chains (graph_answers.py, graph_chain.py) -----
    "graph_answers.wrong_shape": "{id}: {given} given where {shape} is expected (a matrix is a list of rows of "
                                 "equal length, a vector a list)",
    "graph_answers.matrix_expected": "{id} is {shape}: write it as a list of rows, e.g. [[1, 2], [3, 4]] (a vector "
                                     "as a list, [1, 2, 3])",
    "graph_answers.ragged": "rows of lengths {lengths}",
    "graph_answers.flat": "a list of {count} numbers",
    "graph_answers.shape_matrix": "a {rows}×{cols} matrix",
    "graph_answers.shape_vector": "a vector of {count} ({rows}×{cols})",
    "graph_answers.transposed": "{name} given as its transpose: {name} has the shape of {of} ({shape}); its entry "
                                "(i, j) is the derivative by {of}'s entry (i, j)",
    "graph_answers.transposed_value": "{name} given as its transpose: {name} is {shape}",
    "graph_answers.factor_half": "half the expected value: a factor 2 left out (the 2 of d/dy (y − t)² = "
                                 "2(y − t)?), or a ½ this graph does not have",
    "graph_answers.factor_two": "twice the expected value: a factor 2 too many, or a ½ of the graph left out",
    "graph_answers.matrix_in_rule": "`{name}` names a whole matrix or vector: a rule over matrices is not "
                                    "judged, only its value",
    "code.transposed": "written transposed",
    "code.factor_half": "half the value (a factor 2 left out)",
    "code.factor_two": "twice the value (a factor 2 too many)",
    # session 10 (issue 12 leftovers): a built-in loss not finite, said in words (nonreal.py)
    "nonreal.loss_domain": "{id} {why}; loss {loss} needs outputs in its domain (output activation {activation})",
    "nonreal.loss_domain_in": "{id} {why}; loss {loss} needs outputs in its domain ({domain}) (output activation "
                              "{activation})",
    # session 10 (fixa): a weight's subscript without a comma that splits into more than one weight (names.py)
    "answers_file.ambiguous_name": "{part}: {item}: ambiguous, it could name {readings}; write the two units "
                                   "with a comma (w_{{1,23}})",
    "writeup.ambiguous_name": "line {line}: {name}: ambiguous, it could name {readings}; write the two units "
                              "with a comma (w_{{1,23}})",
    "answer.ambiguous_name": "{name} is ambiguous, it could name {readings}; write the two units with a comma "
                             "(w_{{1,23}})",
    "solution.ambiguous_step": "{name} is ambiguous in part {part}, it could name {readings}; write the two units "
                               "with a comma",
    "graph_answers.transposed_counted": "an entry of {name} written transposed: charged once, at {first}",
    # session 10, graph answers (fixg)
    "graph_answers.half_left_out": "the ½ of {name} left out",
    # session 11 (reports): class summary slips, wrong shapes, an empty graph answers file
    "summary.right_value": "right value, wrong working",
    "code.shape": "wrong shape",
    "graph_answers.empty": "{path}: the file is empty: no answers; write one line per item, e.g. {example}: …",
    "graph_answers.not_a_mapping_of": "{path}: expected a mapping of ids to values, e.g. {example}: …",
    # session 11 (gderive): derive on a graph file, its matrix forms and what is long (render/graph.py)
    "graph.derive_entry_forms": "Entry by entry: {forms}.",
    "graph.derive_long_terms": "{grad}: long (written out in the inputs it has {count} terms, more than {limit}); "
                               "the backward pass above gives it in the node names",
    "graph.derive_long_nodes": "{grad}: long (written out in the inputs it has more than {limit} symbols, numbers "
                               "and operations); the backward pass above gives it in the node names",
    "graph.derive_wide": "{grad}: long (written out in the inputs a line of it has {count} characters, more "
                         "than the {limit} that fit across a page); the backward pass above gives it in the node names",
    # session 11, graph worked solutions (gsolve): which step(0) is which in one backward step
    "graph.kink_which": "In {grad}, {step0} is put in with different values: {which}.",
    "graph.kink_which_item": "{step} comes from {local}, at the kink of {fn} in node {node}",
    "graph.kink_which_and": "{first}; {then}",
    # -- session 11 (nprint): network solution printing and problem-file messages --------------------------
    "note.formula_kink_unnamed": "The activation {act} has no derivative at 0; the value SymPy's derivative takes "
                                 "there, *g'(0)* = {g0}, is used at {where}.",
    "graph_file.not_a_name_subscript": "{got} is not a name: a name has no _ or braces; write {instead} (a letter "
                                       "then letters and digits, at most 16)",
    "graph_file.ragged_one": "row {row} has 1 entry; the first row has {cols}",
    "formula.cannot_multiply_one_column": "cannot multiply {a} by {b}: 1 column against {rows} rows",
    "formula.cannot_multiply_one_row": "cannot multiply {a} by {b}: {cols} columns against 1 row",
    "picture.bias": "bias",
    # session 11 (nnames): a book's notation read back (learning_rate_symbol, Euler's e, E_total, ½ in the file's symbols)
    "problem.learning_rate_symbol_taken": "{got} already means something else in an answer (e, g, net, d, δ, Δ, σ or "
                                          "another symbol of this notation); use another letter or Greek name, like "
                                          "alpha or eta",
    "diagnosis.euler_as_error": "e was read as Euler's number 2.718…; the rule gives {name} with e = {t} − {u} "
                                "(the error): write the error out as ({t} − {u})",
    "notation_said.lr_missing": "{lr} left out of the update ({lr} = {eta})",
    "notation_said.lr_missing_charged": "{lr} left out",
    "notation_said.half_missing": "twice the expected value: the ½ of the loss ½({t} − {u})² left out",
    "notation_said.half_missing_consistently": "the ½ of the loss ½({t} − {u})² left out",
    # session 11 (gjudge): a factor's message names only a cause the item's formula can have; a quantity
    # answered twice (the worse counts); substituted numbers that are none of the values (a note)
    "graph_answers.half_of_square": "half the expected value: a factor 2 left out (the 2 of the derivative of the "
                                    "square in {node}?), or a ½ this graph does not have",
    "graph_answers.half_extra": "half the expected value: a ½ that {node} does not have?",
    "graph_answers.half_plain": "half the expected value",
    "graph_answers.twice_half_left": "twice the expected value: the ½ of {node} left out?",
    "graph_answers.twice_plain": "twice the expected value",
    "graph_answers.of_own": "{what} (from your {name}, this step gives {value})",
    "graph_answers.twice_worse": "{id} is answered twice (line {line}); the worse of the two answers counts",
    "graph_answers.foreign_numbers": "note: the substituted numbers `{numbers}` are none of this problem's values "
                                     "nor of yours",
    # session 11 (gread): the tool's own graph solutions read back (graph_chain.py)
    "graph_answers.matrix_in_numbers": "the numbers `{link}` hold a matrix or vector: working over matrices is "
                                       "not judged, only the value",
    "graph_answers.step_stated_wrong": "`{stated}` is not right: the value the solution takes for it here is {right}",
    # session 11: a graph solution's steps by name (graph.GraphSolution.step)
    "graph.no_step": "the graph has no step named {name}: use an id of `solve --format json` (q, grad_x) or a name "
                     "as written (df/dx, \\frac{{\\partial f}}{{\\partial x}})",
    "graph.no_step_suggest": "the graph has no step named {name} (did you mean {close}?)",
    # session 11 (fixm): a list of one number, singular
    "graph_answers.flat_one": "a list of 1 number",
    # session 11 (leftb): small leftovers of graph checking reports
    "graph_answers.not_operand": "∂{node}/∂{name}: {name} is not an operand of {node} ({formula})",
    "graph_answers.shape_as_above": "(wrong shape, as above)",
    # session 11 (fixd): a slip cites only a value the student wrote
    "graph_answers.of_own_written": "{what} (from your {name} = {given}, this step gives {value})",
    # session 11 (lefta): the update-subtracted diagnosis in the notation's learning-rate letter (diagnose.py)
    "notation_said.update_subtracted": "Δw subtracted: the new weight is w + Δw (Δw already carries the minus of "
                                       "−{lr}∂{J}/∂w)",
    # session 12 (gcheck): a ∂-fraction in a graph's rule that names nothing the solution has, in words
    "graph_answers.partial_of_input": "∂{node}/∂{name}: {node} is an input of the graph (given), not computed from "
                                      "{name}",
    "graph_answers.partial_by_itself": "∂{node}/∂{node}: a quantity differentiated by itself is 1; write 1",
    "graph_answers.no_partial": "`{link}` is no derivative of this graph's solution: a rule may name the gradients "
                                "∂{output}/∂q of its items and the local partials ∂g/∂q of a node g by one of its "
                                "operands q",
    # session 12 (gcheck): the LaTeX parser's "Unrecognized symbol" (a ∂ or \infty where no name is read)
    "reader.parser_unrecognized_symbol": "a symbol that cannot be read here (a ∂ outside a derivative of the "
                                         "problem's names?)",
    # session 12 (edges): paths that do not exist or are the wrong kind, an answers file of comments only,
    # unit ids written as they print, an unnamed formula loss named by its formula, one submission
    "usage.empty_path": "the path is empty ('')",
    "classfolder.missing": "{folder}: no such folder; SUBMISSIONS_DIR is the folder that holds the students' "
                           "answers files or write-ups",
    "classfolder.is_a_file": "{folder}: is a file, not a folder; SUBMISSIONS_DIR is the folder that holds the "
                             "submissions (to check this one file: symbackprop check PROBLEM_FILE {folder})",
    "classfolder.under_a_file": "{folder}: no such folder (a part of the path is a file, not a folder)",
    "classfolder.cannot_open": "{folder}: cannot open the folder of submissions: {why}",
    "classfolder.empty_path": "SUBMISSIONS_DIR is empty (''); give the folder that holds the submissions",
    "answers_file.only_comments": "{source}: the file holds only comments, no answers; write one answer a line: "
                                  "an id or a name, a colon, the value, e.g. {example}: …",
    "answers_file.only_comments_parts": "{source}: the file holds only comments, no answers; write each part's "
                                        "answers under its name ({parts}), one a line: an id or a name, a colon, "
                                        "the value, e.g. {part}: then an indented line {example}: …",
    "field.unit_id_as_printed": "{got} is not a unit id: an id is ASCII letters and digits starting with a letter "
                                "(no _, no Greek character); write {suggestion}, which prints {prints} (see "
                                "docs/problem-format.md, `network`)",
    "field.unit_id_plain": "{got} is not a unit id: an id is ASCII letters and digits starting with a letter, or a "
                           "whole number (no _); write {suggestion}, or the number {number} (an input numbered "
                           "{number} prints as x_{number}); see docs/problem-format.md, `network`",
    "field.unit_id_letters": "{got} is not a unit id: an id is a whole number (3) or ASCII letters and digits "
                             "starting with a letter, at most 16 characters (h1; theta1 prints θ_1); see docs/problem-format.md, "
                             "`network`",
    "loss.unnamed_formula": "the loss formula {formula!r}",
    "cli.grading_one": "grading 1 submission",
    "problem.threshold_weights": "expected {rows} thresholds θ (the weights from the bias input of −1, one per unit "
                                 "{row_units})",
    "usage.lang_from_env": "the environment variable {env} is {value}, which is not one of {choices}; set it to "
                           "one of them, or unset it",
    "problem.missing_threshold": "missing the threshold θ of unit {dst} (the weight from the bias unit {src}, whose "
                                 "input is −1)",
    # session 12 (mathfix): a function's argument written as a number (sqrt(-3)): its value once (graph_domain.py)
    "graph_file.domain_function_number": "the argument of {fn}, {value}, is outside its domain ({domain})",
    # session 12 (mathfix): g'(net) written as the derivative of another activation (answers/diagnose.py)
    "diagnosis.other_activation_output": "{rule} used for g'({net}): the derivative of {other} in its output, with "
                                         "{u}; the activation here is {own}",
    "diagnosis.other_activation_output_factor": "{rule} used for g'({net}): the derivative of {other} in its output, "
                                                "with {u}, is {factor} times the g' of {own}, the activation here",
    "diagnosis.other_activation": "the derivative of {other} at {net} used for g'({net}); the activation here is {own}",
    "diagnosis.other_activation_factor": "the derivative of {other} at {net} used for g'({net}): {factor} times the g' "
                                         "of {own}, the activation here",
    "code.other_activation": "other_activation",
    # session 12 (mathfix): two mistakes that give the same wrong value, both said (answers/diagnose.py explain)
    "diagnosis.or": "{first}; or {second}",
    "diagnosis.either": "{choices} (each gives this value)",
    # session 12 (gsolve): a backward step through a node computed entry by entry (render/graph.py)
    "graph.elementwise_note": "{odot} multiplies entry by entry: where a node {f} is computed from {q} entry by entry "
                              "(a function applied to each entry), {rule}, and the matrix after {odot} holds these "
                              "local derivatives.",
    "graph_answers.not_parameter": "{name} is an input of the graph but not one of the parameters ({parameters}): "
                                   "∂{output}/∂{name} is not asked",
    "graph_answers.not_read_why": "{part}: {item}: {why}",
    "writeup.not_read_why": "line {line}: {name}: {why}",
    "summary.transposed": "{name} written transposed",
    # session 12 (reada): Euler's e in a formula (formula.py), an unclosed construct in an answer (latex.py),
    # a derivative that names no quantity (read.py)
    "formula.euler_power": "unknown name 'e': Euler's e is written exp(...) in a formula: write {exp} for "
                           "{written}; names allowed here: {allowed}",
    "formula.euler_alone": "unknown name 'e': Euler's number e is written exp(1) in a formula (and e^a as exp(a)); "
                           "names allowed here: {allowed}",
    "reader.unclosed_environment": "\\begin{{{name}}} is not closed: \\end{{{name}}} is missing",
    "reader.unopened_environment": "\\end{{{name}}} closes nothing: \\begin{{{name}}} is missing",
    "reader.mismatched_environment": "\\begin{{{name}}} is closed by \\end{{{other}}}: write \\end{{{name}}}",
    "reader.unclosed_left": "{opener} is not closed: a \\right is missing (in `{at}`)",
    "reader.unclosed_bracket": "{opener} is not closed: a {closer} is missing (in `{at}`)",
    "writeup.unclosed": "line {line}: {name}: {why}",
    "writeup.unknown_derivative": "line {line}: {name}: not a quantity of this problem; its derivatives are "
                                  "named as the solution writes them: {names}",
    "answers_file.unknown_derivative": "{part}: {item}: not a quantity of this problem; its derivatives are named "
                                       "as the solution writes them: {names}",
    # session 12 (dform): derive on a network with two or more hidden layers (render/rules.py)
    "derive.deep.layers": "{count} hidden layers ({acts}, first to last): *j* is a unit of a hidden layer, *k* one of "
                          "the *c* output units, *l* one of the *n_l* units of the hidden layer above *j* when that "
                          "layer is hidden; a later hidden layer takes the outputs {up} of the hidden layer below "
                          "it (*n_H* units), the first one the inputs {xp}",
    "derive.deep.net_later": "The second net_j is a later hidden layer's: its sum runs over the outputs {up} of the "
                             "hidden layer below, not over the inputs",
    "derive.deep.delta_last": "Last hidden layer: δ_j (the layer above is the output layer)",
    "derive.deep.delta_inner": "Hidden layer below another hidden layer: δ_j (the sum runs over the layer above)",
    "derive.deep.grad_first": "Gradient of an input-to-hidden weight (into the first hidden layer)",
    "derive.deep.grad_between": "Gradient of a hidden-to-hidden weight",
    "derive.deep.update_first": "Update of an input-to-hidden weight (into the first hidden layer)",
    "derive.deep.update_between": "Update of a hidden-to-hidden weight",
    "derive.deep.together": "Checked together with the rule of the next section (one check over both)",
    # session 12 (names): a loss symbol may carry one subscript (problem.py); named units (notation.unit_names)
    "problem.loss_symbol_name": "{got} is not a loss symbol; use 1 to 8 letters, like J or E, with at most one "
                                "subscript of 1 to 8 letters or digits, like E_total",
    "problem.unit_names_choice": "unit_names is {got}; use true (each unit's output written by its own name: "
                                 "h1 as h_1) or false",
    "problem.unit_names_clash": "with unit_names, units {a} and {b} would both be written {name}; rename one of "
                                "them, or leave unit_names out",
    "problem.unit_names_taken": "with unit_names, unit {unit} would be written {name}, which an answer reads as "
                                "something else (e, g, d, net); rename the unit, or leave unit_names out",
    "names.prime_other_activation": "{written}: unit {unit}'s activation is {activation}, so its derivative is "
                                    "not that one; write g'({net}) or {activation}'s own derivative",
    "writeup.not_a_quantity": "line {line}: {name}: not a quantity of this problem; the line is not read",
    # session 12 (hints): did-you-mean for a weight written in the other index order (answers/names.py), for part
    # names of an answers file (answers/read.py), a part's own network (problem.py), a matrix in an unclosed string
    "names.index_order_from_to": "{name}, since this problem writes the weight from i into j as {w}_{{ij}}",
    "names.index_order_to_from": "{name}, since this problem writes the weight into j from i as {w}_{{ji}}",
    "answers_file.part_suggest": "{part}: {item}: not a quantity of this problem (did you mean the part {close}?)",
    "writeup.part_near": "{part}, for {word} on line {line}",
    # session 12, graph diagnoses (gdiag)
    "graph_answers.local_left_out": "the local derivative {local} left out ({node}): the value is {given}, "
                                    "not {name}",
    "graph_answers.local_left_short": "the local derivative {local} left out",
    "code.local_left": "a local derivative left out",
    # session 12 (dhid): derive's weight w_jl between two hidden layers (render/rules.py, rule_check.check_deeper)
    "derive.deep.net_above": "net_l is the net of a unit *l* of a later hidden layer: its sum runs over the outputs {up} "
                             "of the hidden layer below (*n_H* units), not over the inputs; a weight between hidden "
                             "layers goes from a unit *j* of the layer below into a unit *l*",
    "derive.deep.first_checked": "The check puts this rule to every weight into a hidden layer, the outputs of the "
                                 "layer below taking the place of *x_i*; the next section's rule is checked on its own",
    "derive.deep.update_earlier": "Written out with δ_l of the last hidden layer (a sum over the outputs); for a weight "
                                  "into an earlier hidden layer δ_l is the rule of a hidden layer below another hidden "
                                  "layer (a sum over the layer above *l*), and the check stops at δ_l there",
    "writeup.intermediate": "line {line}: {name}: the derivative by {output}, a step of working towards {delta}; not an item "
                            "of this problem, so not graded",
    "answers_file.intermediate": "{part}: {item}: the derivative by {output}, a step of working towards {delta}; not an "
                                 "item of this problem, so not graded",
    "answer.intermediate_in_rule": "{name} (the derivative by {output}, a step towards {delta}) is not read inside a "
                                   "rule: write the rule with {delta}, or with the quantities it is made of",
    "writeup.more_not_read": "… and {count} more lines not read",
    # -- session 12 (s12-conv): a class of which nothing could be graded ------------------------------------
    "summary.nothing_graded": "Nothing was graded, so there is no table of items.",
    "cli.nothing_graded_part": "no submission could be graded: {n} of the {total} do not say which part of the "
                               "problem ({parts}) their answers belong to; grade one part at a time: rerun with "
                               "{options}; nothing was written",
    "cli.nothing_graded": "no submission could be graded ({total} not graded, the reason for each listed above); "
                          "nothing was written",
    "diagnosis.sign_other_convention": "sign slip: your {name} is in the other δ convention ({other}), and "
                                       "{item} has the same sign in both; computed from {name} by this "
                                       "problem's rule, it has the wrong sign",
    # session 12 (diag): an mse's mean over the K outputs taken as their sum (answers/diagnose.py)
    "diagnosis.mean_units_missing_twice": "twice the expected value: the loss's mean over the {k} outputs taken as "
                                          "their sum (its 1/{k} left out: Σ({t} − {u})², or the derivative 2({u} − {t}))",
    "diagnosis.mean_units_missing": "{k} times the expected value: the loss's mean over the {k} outputs taken as "
                                    "their sum (its 1/{k} left out: Σ({t} − {u})², or the derivative 2({u} − {t}))",
    "consistently.mean_units_missing": "the mean over the {k} outputs taken as their sum (its 1/{k} left out)",
    "code.mean_units_missing": "mean_units_missing",
    # session 12 (diag): a batch averaged where the problem sums it, or summed where it takes the mean
    "diagnosis.batch_mean_taken": "1/{n} of the expected value: the mean over the batch of {n} taken; this problem "
                                  "sums it (batch_reduction: sum)",
    "diagnosis.mean_missing_gradient": "{n} times the expected value: the {n} samples' gradients summed; this "
                                       "problem takes their mean (batch_reduction: mean)",
    "code.batch_mean_taken": "batch_mean_taken",
    "charged.batch_mean_taken": "the batch's mean taken where it is summed",
    "charged.mean_missing": "the batch summed where its mean is taken",
    # session 12 (diag): a frozen weight updated, a tied edge updated on its own (answers/diagnose.py)
    "diagnosis.frozen_updated": "{w} is frozen: it is not updated (Δw = 0, {w}^new = {w}); the value is the "
                                "update it would have as a free weight",
    "diagnosis.tied_separately": "{w} is tied to {shared}: the edge is updated with the shared parameter "
                                 "({w}^new = {shared}^new, from ∂{J}/∂{shared}, the sum over its edges), not on its own",
    "code.frozen_updated": "frozen_updated",
    "code.tied_separately": "tied_separately",
    "charged.frozen_updated": "a frozen weight updated",
    "charged.tied_separately": "a tied edge updated on its own",
    # session 12 (diag): a "did you mean" hint for the update of a tied edge (answers/names.py)
    "names.tied_update": "{update} ({w} is tied to {shared}: one update for all its edges)",
    # session 12 (diag): common slips named (answers/diagnose.py)
    "diagnosis.gprime_missing": "g'({net}) left out (the derivative of the activation at {net})",
    "diagnosis.relu_mask_missing": "g'({net}) = 0 left out: the ReLU passes no gradient where its net is negative "
                                   "(the mask forgotten)",
    "diagnosis.sum_incomplete": "the sum over the units above is incomplete: the term {term} left out",
    "diagnosis.square_two_missing": "half the expected value: the 2 of the square's derivative left out "
                                    "(∂/∂{u} ({t} − {u})² = 2({u} − {t}))",
    "consistently.square_two_missing": "the 2 of the square's derivative left out",
    "code.gprime_missing": "gprime_missing",
    "code.sum_incomplete": "sum_incomplete",
    "code.square_two_missing": "square_two_missing",
    "charged.gprime_missing": "g' left out",
    "graph_answers.mask_forgotten": "the ReLU mask forgotten ({node}): {local} is 0 at this entry, so {name} is 0; "
                                     "the value is {given}, not {name}",
    "graph_answers.mask_forgotten_short": "the ReLU mask forgotten",
    "graph_answers.paths_not_summed": "only the path through {consumer} counted; {grad} sums over every node that "
                                      "uses {node} ({consumers})",
    "code.paths_left": "paths not summed",
    "graph_answers.paths_not_summed_short": "only one path counted, the paths not summed",
    # session 12 (msgs): an unnamed formula output activation named by its formula (evaluate.py)
    "activation.unnamed_formula": "formula {formula!r}",
    # session 12 (msgs): a graph answers file of comments only (answers/graph_answers.py)
    "graph_answers.only_comments": "{path}: the file holds only comments, no answers; write one line per item, "
                                   "e.g. {example}: …",
    # session 12 (msgs): under unit_names, a unit w1 next to a weight or shared parameter named w1 (problem.py)
    "problem.unit_names_weight_clash": "with unit_names, unit {unit} would be written {name}, as weight {weight} "
                                       "named {unit} is; rename the unit or the weight, or leave unit_names out",
    "problem.unit_names_shared_clash": "with unit_names, unit {unit} would be written {name}, as the shared "
                                       "parameter {unit} is; rename one of them, or leave unit_names out",
    "derive.bias_input": "The bias unit outputs {x0} = {value} and {y0} = {value} (bias_input: {raw}), not 1: its "
                         "weights are thresholds θ (net = Σ w·x − θ), and the update of a bias weight is written "
                         "below with {value} put in",
    "derive.bias_input_no_hidden": "The bias unit outputs {x0} = {value} (bias_input: {raw}), not 1: its weights are "
                                   "thresholds θ (net = Σ w·x − θ), and the update of a bias weight is written below "
                                   "with {value} put in",
    # -- session 12, Z2: the no-equation error's example in this problem's own names ------------------
    "writeup.no_equation_named": "{source}: no equation names a quantity of this problem (like ${example} = …$: a "
                                 "write-up's equations are read inside $…$, \\(…\\), \\[…\\], in align* rows, or on "
                                 "lines of their own that start with a quantity's name: {plain} = …)",
    # -- session 13, O1: the optimizers (optimizers.py): the form each solution states, bad settings ----
    "optimizer.form.lecture": "Update rule in the lecture's form: the formulas of the slides (Ruder 2016 where the "
                              "slides give none); unlike the {other} form: {differences}",
    "optimizer.form.pytorch": "Update rule in PyTorch's form: the algorithm of torch.optim, step for step, so that "
                              "the numbers are those PyTorch computes; unlike the {other} form: {differences}",
    "optimizer.unknown": "unknown optimizer {name!r}; choose from {allowed}",
    "optimizer.unknown_form": "unknown form {form!r}; choose from {allowed}",
    "optimizer.unknown_setting": "{optimizer} ({form} form) has no setting {setting!r}; its settings are {allowed}",
    "optimizer.not_a_number": "{optimizer}: {setting} must be a number, not {value}",
    "optimizer.out_of_range": "{optimizer}: {setting} = {value} is out of range; allowed: {allowed}",
    "optimizer.betas_pair": "{optimizer}: betas must be a pair [β1, β2], not {value}",
    # -- session 13, O2: optimizer, steps, update in problem files ---------------------------------------
    "problem.optimizer_shape": "optimizer must be a name ({allowed}) or a mapping such as {{name: adam, lr: 0.001}}, "
                               "not {got}",
    "problem.optimizer_no_name": "the optimizer mapping needs a name; choose from {allowed}",
    "problem.optimizer_no_lr": "{optimizer} ({form} form) has no learning rate; remove learning_rate or use "
                               "form: pytorch",
    "problem.optimizer_lr_twice": "optimizer.lr = {lr} and learning_rate = {eta} differ; give the learning rate once",
    "problem.steps": "steps must be a whole number from 1 to {most}, not {got}",
    "problem.update": "unknown update {got}; allowed: {allowed}",
    "section.optimizer": "Optimizer",
    "optimizer.summary": "{name} ({form} form), {settings}; {steps} step(s), update {update}",
    "optimizer.theta": "θ is each weight (and each shared parameter) in turn and g_t = ∂{loss}/∂θ at step t, on "
                       "the step's samples; every state starts at 0 (Adagrad's G at initial_accumulator_value)",
    "optimizer.step_title": "Step {t} of {n} (samples {samples})",
    "optimizer.step_loss": "Loss before the step {before}, after it {after}",
    "optimizer.frozen": "Frozen, not updated: {params}",
    "optimizer.table_title": "Every step: the loss before and after it, and each parameter after it",
    "optimizer.col.step": "t",
    "optimizer.col.samples": "samples",
    "optimizer.col.before": "loss before",
    "optimizer.col.after": "loss after",
    "optimizer.note.about_eta": "Step 1 moved each of the {n} parameters with a nonzero gradient by |Δθ| = {low}·η to "
                                "{high}·η, although |{g}| ranged from {grads_low} to {grads_high}: at t = 1 the state "
                                "holds {g} alone ({states}), so Δθ = {formula} ≈ −η·sign({g}), whatever the size of "
                                "{g}",
    "optimizer.note.adagrad_shrinks": "Adagrad's steps shrink: {accumulate} only grows, so the factor "
                                      "{factor} that multiplies the gradient in the update only falls: the ratio of "
                                      "{factor} at step {n} to its value at step 1 was {low} to {high}, parameter by "
                                      "parameter (RMSprop and AdaDelta average g² instead, which does not stall)",
    "optimizer.note.bias_correction": "Bias correction: m and v start at 0, so at t = 1 m_1 = (1 − β₁)·g_1 = "
                                      "{c1}·g_1 and v_1 = (1 − β₂)·g_1² = {c2}·g_1², far too small; dividing by "
                                      "1 − β₁^t and 1 − β₂^t (= {c1} and {c2} at t = 1) gives m̂_1 = g_1 and "
                                      "v̂_1 = g_1²",
    "optimizer.step_out_of_range": "--step {step}: part {part} has {steps} step(s); choose a step from 1 to {steps}",
    "optimizer.no_steps": "--step and --steps need a problem with optimizer, steps or update; this one has one step "
                          "of plain gradient descent",
    "note.optimizer_update": "The updates below are step 1 of {name} ({form} form), not {rule}; its rule "
                             "and every step follow in the section {section}.",
    "optimizer.precision": "The steps shown in full are exact while their values stay short, else {digits}-digit "
                           "floats (J after a step whose new parameters are not all exact: float64, as in the table); "
                           "the steps not shown (in the table) come from float64 arithmetic (the two agree to "
                           "within 10⁻¹²)",
    "optimizer.step_section": "Step {t}: {section}",
    "optimizer.lookahead": "g_t is taken at the look-ahead point θ_{{t−1}} − γ·v_{{t−1}} (Nesterov), so the forward and "
                           "backward pass of the step are at that point",
    # -- session 13, F3: computed items a rubric does not grade, said apart from the given values -------
    "report.not_graded_items": "Not graded by this rubric: {items}",
    # -- session 13, F3: a rubric item that is no quantity, at its own line (the file is named before it)
    "rubric.unknown_item_id": "{item} is not a quantity of this problem; items are quantity ids such as {examples} "
                              "(the ids of `symbackprop solve --format json`)",
    # -- session 13, F1: ∂L/∂net_j hinted with this problem's δ convention ------------------------------
    "names.delta_by_net": "{delta}, as {delta} = {derivative} in this problem",
    "names.delta_by_net_negated": "−{delta}, as {delta} = −{derivative} in this problem",
    # -- session 13, F4: step() of no step, with examples in the problem's own notation --------------------
    "solution.no_step_named": "part {part} has no step named {name}: use an id of `solve --format json` ({ids}) or "
                              "a name as written ({names})",
    # -- session 13, F5: a count of 1 said in the singular ---------------------------------------------
    "problem.input_count_one": "expected 1 value, for the one input unit ({units})",
    "problem.output_count_one": "expected 1 value, for the one output unit ({units})",
    "problem.matrix_row_one": "expected 1 value (for unit {col_units})",
    "problem.matrix_rows_one_row": "expected 1 row (for unit {row_units}) with {cols} values (one per unit "
                                   "{col_units})",
    "problem.matrix_rows_one_value": "expected {rows} rows (one per unit {row_units}), each with 1 value (for unit "
                                     "{col_units})",
    "problem.matrix_rows_one_each": "expected 1 row (for unit {row_units}) with 1 value (for unit {col_units})",
    "problem.bias_weights_one": "expected 1 bias weight (for unit {row_units})",
    "problem.threshold_weights_one": "expected 1 threshold θ (the weight from the bias input of −1, for unit "
                                     "{row_units})",
    "derive.values_compared_one": "1 value compared",
    "diagnosis.one_unit_off_one": "one unit off in the last place: to 1 place the value is {right}",
    "diagnosis.rounding_place": "rounded wrongly: {value} to 1 place",
    # -- session 13, F5: derive on a file with shared (tied) weights (render/rules.py) -------------------
    "derive.shared_note": "{p} is one parameter for {count} weights (the file's shared field): the loss depends on it "
                          "through each of them, so its gradient is the sum of theirs, each by the rule of its "
                          "kind above, and it is updated once",
    "derive.shared_note_frozen": "{p} is one parameter for {count} weights (the file's shared field): the loss "
                                 "depends on it through each of them, so its gradient is the sum of theirs, each by "
                                 "the rule of its kind above; the file freezes it, so it is not updated",
    "summary.title_one": "# Class summary: 1 submission, {graded} graded",
    "summary.title_skipped_one": "# Class summary: 1 submission, {graded} graded, {skipped} other entries skipped",
    "summary.title_skipped_entry": "# Class summary: {submissions} submissions, {graded} graded, 1 other entry skipped",
    "summary.title_skipped_one_entry": "# Class summary: 1 submission, {graded} graded, 1 other entry skipped",
    # session 13 (g4): a rule of the other δ convention from a student in this problem's (answers/diagnose.py)
    "answer.rule_sign_slip_named": "sign slip in the rule: it has the opposite sign (the other δ convention's "
                                   "rule), but your {names} is in this problem's convention ({own})",
    "answer.rule_sign_slip": "sign slip in the rule: it has the opposite sign (the other δ convention's rule), "
                             "but your δs are in this problem's convention ({own})",
    "answer.rule_sign_slip_numbers": "sign slip in the rule: it has the opposite sign (the other δ convention's "
                                     "rule), but the δ values put in are this problem's ({own})",
    # session 13 (g4): leaky ReLU's g' slips, and g' multiplied into softmax/sigmoid + cross-entropy (diagnose.py)
    "diagnosis.leaky_as_relu": "g'({net}) taken as 0, the plain ReLU's derivative for a negative net; leaky "
                               "ReLU's there is its slope {slope}",
    "diagnosis.leaky_default_slope": "g'({net}) taken as {used}, leaky ReLU's usual default slope; this "
                                     "problem's slope is {slope}",
    "diagnosis.extra_gprime": "an extra factor {u}(1 − {u}) multiplied in: with {act} outputs and cross-entropy "
                              "the output δ has no g' factor (it cancels against the loss's derivative)",
    "code.leaky_as_relu": "leaky_as_relu",
    "code.leaky_default_slope": "leaky_default_slope",
    "code.extra_gprime": "extra_gprime",
    "charged.leaky_as_relu": "the plain ReLU's g' = 0 used for leaky ReLU",
    "charged.leaky_default_slope": "the default slope 0.01 used for leaky ReLU",
    "charged.extra_gprime": "an extra g' factor on the output δ",
    "api.need_path": "{fn}(): {arg} must be a path (a str or os.PathLike), not {got}",
    "api.need_problem": "{fn}(): {arg} must be the path of a problem file (a str or os.PathLike) or a loaded Problem, "
                        "not {got}",
    "api.need_answers": "{fn}(): answers must be the path of an answers file or write-up (a str or os.PathLike) "
                        "or a dict of answers (name: number or text, as in an answers file), not {got}",
    "api.need_name": "{fn}(): {arg} must be a name (a str), not {got}",
    "api.need_parts": "{fn}(): parts must be None (every part), a part's name or a list of part names, not {got}",
    "api.need_number": "{fn}(): {arg} must be a number (an int or float) or None, not {got}",
    "api.answers_mapping": "the answers given",
    "api.answer_value": "{fn}(): answers[{name}] must be a number, a text, or (for a matrix) a list of them, not {got}",
    "api.answer_key": "{fn}(): the names of answers must be texts (str), not {got}",
    "derive.input_gradient_note": "an input *x_i* enters the loss only through the nets of the hidden units it "
                                  "feeds, so its gradient sums their *δ* times the weight from *x_i* (the file's "
                                  "input_gradients field); an input is no parameter: it has no update",
    "derive.input_gradient_note_outputs": "an input *x_i* enters the loss only through the nets of the output "
                                          "units it feeds, so its gradient sums their *δ* times the weight from *x_i* "
                                          "(the file's input_gradients field); an input is no parameter: it has no update",
    "diagnosis.rounded_too_early": "rounded too early: your numbers to {places} places give {got}; to {asked} places the value is {expected}",
    "graph_answers.rule_swapped": "the rule does not give {name}: it uses {used} where {right} belongs (with its numbers it gives {got}; the right value is {expected})",
    "graph_answers.rule_swapped_only": "the rule does not give {name}: it uses {used} where {right} belongs",
    "graph_answers.rule_with_numbers_gives": "the rule with its numbers put in gives {got}; the right value of {name} is {expected}",
    "reader.sum_not_written_out": "a sum over {index} is not read: it could not be written out over this problem's units or samples (write its terms out, or its bounds in numbers); the value alone is judged",
    "rule_answer.not_an_index": "{name}: {letter} is not an index letter of these rules (use k for an output unit, j for a hidden unit, i for an input)",
    "rule_answer.hidden_index": "{name}: {letter} is not an index letter of these rules: write j for a hidden unit (k for an output unit, i for an input)",
    "rule_answer.output_index": "{name}: {letter} is not an index letter of these rules: write k for an output unit (j for a hidden unit, i for an input)",
    # session 13 (h2): δs of both conventions in one answer: which are the other's (answers/diagnose.py)
    "why.mixed_convention": "{count} of {total} δs are in the other convention, {other}: {flipped}; {rest} in this problem's, {own}",
    "derive.not_checked_frozen": "Not checked on the network of the file: these weights are frozen (Δw = 0, they keep their values)",
    "derive.not_checked_tied": "Not checked on the network of the file: these weights are tied, updated once as their shared parameter (its rule is checked in its own section)",
    "derive.not_checked_frozen_tied": "Not checked on the network of the file: these weights are frozen (Δw = 0) or tied (updated once as their shared parameter)",
    "problem.reversed_connection": "{first} (did you mean the weight from unit {src} to unit {dst}, written {src}: {{{dst}: …}}?)",
    "graph_answers.untransposed": "{used} used where {used}ᵀ belongs: the backward pass through {node} multiplies {grad} by {used}ᵀ, not by {used}",
    "graph_answers.untransposed_short": "{used} used where {used}ᵀ belongs",
    "code.untransposed": "a matrix used where its transpose belongs",
    # -- session 13, O3: `list` shows the optimizers ------------------------------------------------------
    "list.optimizers": "Optimizers",
    "list.optimizers_intro": "a problem file's optimizer: {{name: …, form: lecture | pytorch, settings}}; each one's step in "
                             "both forms, θ a parameter and g_t = ∂J/∂θ at step t, every state starting at 0",
    "list.form": "form",
    "list.rule": "rule",
    "list.defaults": "defaults",
    "list.defaults_line": "defaults {defaults}",
    "graph.optimizer_unsupported": "a graph (model: graph) does not take an optimizer run yet; remove optimizer, "
                                   "steps and update (a network's problem file takes them)",
    "graph.step_unsupported": "--step and --steps need a graph with optimizer or steps; this one has none (add "
                              "optimizer: {{name: adam, lr: 0.01}} and steps: 3, say)",
    "answers_file.no_part": "{item}: no part of this name; the parts are {parts}",
    "diagnosis.elu_alpha_left_out": "the ELU parameter α = {alpha} is left out: for net ≤ 0, g'(net) = αe^net = y + α, not e^net",
    "diagnosis.bce_branch_swapped": "the two terms of binary cross-entropy are swapped (target {t}): the loss is −ln(output) for a target of 1 and −ln(1 − output) for a target of 0",
    "diagnosis.shared_one_edge": "only one edge of the shared weight: this is {term} alone; {name} sums the terms of every edge it is on: {terms}",
    "answers_file.only_no_part": "{source}: {what}",
    # -- session 14, C2: diagnoses of an optimizer's step (answers/optimizer_diagnose.py) ----------------
    "diagnosis.opt_bias_correction": "bias correction left out: {name} = {value} comes from {wrong}; the rule is {right}",
    "diagnosis.opt_eps_inside": "ε inside the square root, where this form adds it outside: {name} = {value} comes from {wrong}; the rule is {right}",
    "diagnosis.opt_eps_outside": "ε outside the square root, where this form adds it inside: {name} = {value} comes from {wrong}; the rule is {right}",
    "diagnosis.opt_weights_swapped": "the weights of the old state and of the new term swapped: {name} = {value} comes from {wrong}; the rule is {right}",
    "diagnosis.opt_g_for_g2": "g used where g² belongs: {name} = {value} comes from {wrong}; the rule is {right}",
    "diagnosis.opt_g2_for_g": "g² used where g belongs: {name} = {value} comes from {wrong}; the rule is {right}",
    "diagnosis.opt_state_not_carried": "the state not carried over from step {step}: worked from {initial} (the values before step 1) where {state} belong, {name} = {value}; the rule is {right}",
    "diagnosis.opt_old_weight_twice": "the old weight used twice: worked from {before} = {old} (the weight before the previous step) where {prev} = {own} belongs, {name} = {value}; the rule is {right}",
    "diagnosis.opt_grad_reused": "the previous step's gradient reused: worked from {used} = {old} (taken at the weight before the previous step) where {own} = {grad} belongs, {name} = {value}; the rule is {right}",
    "diagnosis.opt_momentum_eta_inside": "η inside the velocity (the lecture's form of momentum), where this form keeps it outside: {name} = {value} comes from {wrong}; the rule is {right}",
    "diagnosis.opt_momentum_eta_outside": "η outside the velocity (torch's form of momentum), where this form has it inside: {name} = {value} comes from {wrong}; the rule is {right}",
    "diagnosis.opt_sign_flipped": "the update's sign flipped (θ + Δ): {name} = {value} comes from {wrong}; the rule is {right}",
    "diagnosis.opt_eta_missing": "η left out (η = {eta}): {name} = {value} comes from {wrong}; the rule is {right}",
    "steps.no_step": "{name}: no step {t}; this part's run has steps 1 to {steps}",
    "steps.no_run": "{name}: this part has no optimizer run (no optimizer, steps or update in its problem file): answer its quantities without a step",
    "steps.unknown_id": "{name}: {item} is no quantity of step {t}; a step's ids are those of solve's JSON steps, e.g. {example}",
    "steps.no_heading": "{name}: the step t is not known here; write the step (m_2, θ_2) or put the line under a heading \"Step 2\"",
    "steps.which_parameter": "{name}: this part trains {n} parameters: name the one meant, e.g. {example}",
    "steps.not_per_step": "{name}: not a value of step {t} (a step's values are g_t, the optimizer's state, θ_t, Δθ_t, the loss, and the step's forward and backward pass)",
    "steps.not_mapping": "{source}: steps: give a mapping of step numbers to answers ({{2: {{new_w_3_5: 2.19}}}}) or solve's list [{{step: 2, quantities: {{...}}}}]",
    "steps.bad_step": "{source}: steps: {item} is no step number; write a whole number from 1 to {steps}",
    "steps.item": "step {t}: {name}",
    "steps.loss_after": "{loss} after the step",
    "steps.no_value": "no value read: give this step's value as a number (or a chain ending in one)",
    "steps.follows": "follows from your {name}: right from your own earlier values",
    "steps.wrong": "the run gives {value}",
    "steps.at_line": "line {line}: {what}",
    "steps.no_param": "{name}: {param} is no parameter this part trains; its parameters are {params}",
    # -- an optimizer step's mistakes, as a follow-through names where they were charged (C3, session 14) --
    "charged.bias_correction": "bias correction left out",
    "charged.eps_inside": "ε inside the square root",
    "charged.eps_outside": "ε outside the square root",
    "charged.weights_swapped": "the weights of the old state and of the new term swapped",
    "charged.g_for_g2": "g used where g² belongs",
    "charged.g2_for_g": "g² used where g belongs",
    "charged.state_not_carried": "the state not carried over",
    "charged.old_weight_twice": "the old weight used twice",
    "charged.grad_reused": "the previous step's gradient reused",
    "charged.momentum_form": "the other form of momentum",
    "charged.sign_flipped": "the update's sign flipped",
    # -- session 14, Q1: optimizer runs on graph files -----------------------------------------------
    "graph.per_sample": "a graph (model: graph) has one sample, its inputs: update: per_sample is not for it; "
                        "allowed: per_batch (the default)",
    "optimizer.theta_graph": "θ is each entry of the parameters ({params}) in turn and g_t = ∂{loss}/∂θ at step t; "
                             "every state starts at 0 (Adagrad's G at initial_accumulator_value)",
    "optimizer.graph_step_title": "Step {t} of {n}",
    "optimizer.graph_gradients": "g_t is ∂{loss}/∂θ from the graph's forward and backward pass with the parameters before the step",
    "note.per_sample_first": "Update per sample: the worked solution below is step 1's, on sample 1 alone, and its "
                             "updates are step 1's; each later step uses the next of the {samples} samples (the "
                             "section {section})",
    # a graph's write-up is read whole, notes too: its notes write no equation that may name a quantity of the
    # graph (G_1 = …, t = 1 where the target is t)
    "optimizer.note.about_eta_graph": "Step 1 moved each of the {n} parameters with a nonzero gradient by |Δθ| = {low}·η "
                                      "to {high}·η, although |{g}| ranged from {grads_low} to {grads_high}: at step 1 "
                                      "the state holds {g} alone ({states_graph}), so Δθ = {formula} ≈ −η·sign({g}), "
                                      "whatever the size of {g}",
    "optimizer.note.bias_correction_graph": "Bias correction: m and v start at 0, so at step 1 m is (1 − β₁)·g_1, "
                                            "{c1} times g_1, and v is (1 − β₂)·g_1², {c2} times g_1², far too small; "
                                            "dividing by 1 − β₁^t and 1 − β₂^t ({c1} and {c2} at step 1) makes m̂ "
                                            "g_1 and v̂ g_1²",
    # -- session 14, U3: hints for the careless user's optimizer mistakes (trial t18) -------------------------
    "optimizer.name_missing": "the optimizer's name is missing; choose from {allowed}",
    "hint.update_online": "{first} (online learning, one update after each sample, is per_sample)",
    "hint.update_batch": "{first} (batch learning, one update per batch of samples, is per_batch)",
    "hint.weight_decay_adam": "{first} (for weight decay: name: adamw, or form: pytorch)",
    "hint.pytorch_setting": "{first} (torch's form has it: form: pytorch)",
    "hint.sgd_momentum": "{first} (torch's SGD with momentum is name: momentum here; with nesterov: true, name: nesterov)",
    "hint.sgd_nesterov": "{first} (torch's SGD with nesterov: true is name: nesterov here)",
    "usage.steps_count": "{value} is not 'all': use --step {k} for one step (repeatable), --steps all for every step.",
    # -- session 14, V2: step names and ids (answers/steps.py, answers/read.py) ---------------------------------
    "steps.in_part": "{part}: {what}",
    "steps.step_mapping": "{part}: {item}: a step's answers go under steps: {{{t}: {{{example}: ...}}}} or each as step{t}.{example}",
    "steps.other_optimizer": "{name}: {symbol} is the state of {owners}; this problem's optimizer ({optimizer}) keeps {state}",
    "steps.other_optimizer_none": "{name}: {symbol} is the state of {owners}; this problem's optimizer ({optimizer}) keeps none{state}",
    "optimizer.all_too_many": "--steps all: part {part} has {steps} steps, more than the {limit} shown in full at "
                              "most (each is a worked solution of its own); show the ones you want with --step K "
                              "(repeatable); the table lists every step",
    "optimizer.col.before_sample": "sample's {loss}_n before",
    "optimizer.col.after_sample": "{loss}_n after",
    "optimizer.step_title_one": "Step {t} of {n} (sample {samples})",
    "optimizer.section.output": "Output layer: *δ* and gradients",
    "optimizer.section.hidden": "Hidden layers: *δ* and gradients",
    "optimizer.note.about_eta_each": "Step 1 moved each of the {n} parameters with a nonzero gradient by |Δθ| = {low}·η, although |{g}| ranged from {grads_low} to {grads_high}: at t = 1 the state holds {g} alone ({states}), so Δθ = {formula} ≈ −η·sign({g}), whatever the size of {g}",
    "optimizer.note.about_eta_graph_each": "Step 1 moved each of the {n} parameters with a nonzero gradient by |Δθ| = {low}·η, although |{g}| ranged from {grads_low} to {grads_high}: at step 1 the state holds {g} alone ({states_graph}), so Δθ = {formula} ≈ −η·sign({g}), whatever the size of {g}",
    # -- session 14, U2: what the two forms of one optimizer differ in (optimize.form_differences) --------
    "optimizer.differs.eps_inside": "ε inside the square root",
    "optimizer.differs.eps_outside": "ε outside the square root",
    "optimizer.differs.eta_in_momentum": "η inside the momentum {v}",
    "optimizer.differs.buffer_without_eta": "the momentum buffer {b} without η, {first} at the first step",
    "optimizer.differs.grad_at": "g_t is taken at the look-ahead point {point}",
    "optimizer.differs.grad_here": "g_t is taken at θ_{{t−1}} and the look-ahead is {look}",
    "optimizer.differs.l2": "weight decay added to g: {line}",
    "optimizer.differs.lr": "a learning rate η that scales the step",
    "optimizer.differs.no_lr": "no learning rate η (the step's size comes from the running averages)",
    "optimizer.differs.settings": "settings only this form has: {settings}",
    "optimizer.differs.nothing": "nothing but the symbols",
    "optimizer.differs.lacks": "none of the {other} form's settings {settings}",
    "optimizer.lookahead_weights": "Step {t}'s forward and backward pass are at the look-ahead weights "
                                   "θ̃ = θ_{{t−1}} − γ·v_{{t−1}} (Nesterov), not at θ_{{t−1}}: {weights}",
    "solution.part_heading_no_lr": "Part {name}: activation {activations}, loss {loss}",
    "note.delta_no_lr": "{delta} ({which}), so the gradient of a weight is {grad}, where {xi} is the input of the "
                        "weight; the optimizer below has no learning rate.",
    # -- session 14, V1: two answers for one step item; a step's name under another step --------------------
    "steps.answered_twice": "{name} is answered {n} times ({given}); the worst, {judged}, is judged",
    "steps.other_step": "{name}: names step {other}'s value under step {t}; write it under step {other}, or as step "
                        "{t}'s ({example})",
    # -- session 14, V1: the mistakes of a run's choice of samples (answers/optimizer_diagnose.py) ---------
    "diagnosis.opt_samples_summed": "the {n} samples' gradients summed in one step: worked from {grad} = {used} where "
                                    "{right_grad} belongs (sample {sample} alone: update: per_sample takes one sample "
                                    "a step), {name} = {value}",
    "diagnosis.opt_samples_mean": "the {n} samples' gradients averaged in one step: worked from {grad} = {used} where "
                                  "{right_grad} belongs (sample {sample} alone: update: per_sample takes one sample "
                                  "a step), {name} = {value}",
    "diagnosis.opt_other_sample": "step {t} worked on sample {other}: {grad} = {used} where step {t} uses sample "
                                  "{sample} (update: per_sample takes the samples in turn), {grad} = {right_grad}; "
                                  "{name} = {value}",
    "diagnosis.opt_batch_summed": "the {n} samples' gradients summed where this problem takes their mean "
                                  "(batch_reduction: mean): worked from {grad} = {used} where {right_grad} belongs, "
                                  "{name} = {value}",
    "diagnosis.opt_batch_mean": "the mean of the {n} samples' gradients taken where this problem sums them "
                                "(batch_reduction: sum): worked from {grad} = {used} where {right_grad} belongs, "
                                "{name} = {value}",
    "diagnosis.opt_online_updates": "one update per sample (online: step {t} on sample {sample} alone), where "
                                    "update: per_batch makes each step one update from all {n} samples' gradients: "
                                    "{name} = {value}",
    "charged.samples_summed": "the samples' gradients summed in one step",
    "charged.samples_mean": "the samples' gradients averaged in one step",
    "charged.other_sample": "a step worked on another sample",
    "charged.batch_summed": "the batch's gradients summed for their mean",
    "charged.batch_mean_taken_step": "the batch's mean taken where it is summed",
    "charged.online_updates": "one update per sample where the batch makes one",
    # -- session 14, W2: optimizer notes that fit the run (trial t20 items 2, 3) -----------------------------
    "optimizer.state_is": "{state} is {value}",
    "optimizer.theta_run": "θ is each weight (and each shared parameter) in turn and g_t = ∂{loss}/∂θ at step t, on "
                           "the step's samples{start}",
    "optimizer.theta_graph_run": "θ is each entry of the parameters ({params}) in turn and g_t = ∂{loss}/∂θ at step "
                                 "t{start}",
    "optimizer.start_zero": "; every state starts at 0",
    "optimizer.start_adagrad": "; G starts at initial_accumulator_value = {value}",
    "optimizer.precision_loss": "The steps shown in full are exact while their values stay short, else {digits}-digit "
                                "floats ({loss} after a step whose new parameters are not all exact: float64, as in "
                                "the table); the steps not shown (in the table) come from float64 arithmetic (the two "
                                "agree to within 10⁻¹²)",
    "optimizer.note.about_eta_eta_each": "Step 1 moved each of the {n} parameters with a nonzero gradient by η each, "
                                         "although |{g}| ranged from {grads_low} to {grads_high}: at t = 1 the state "
                                         "holds {g} alone ({states}), so Δθ = {formula} ≈ −η·sign({g}), whatever the "
                                         "size of {g}",
    "optimizer.note.about_eta_graph_eta_each": "Step 1 moved each of the {n} parameters with a nonzero gradient by η "
                                               "each, although |{g}| ranged from {grads_low} to {grads_high}: at step 1 "
                                               "the state holds {g} alone ({states_graph}), so Δθ = {formula} ≈ "
                                               "−η·sign({g}), whatever the size of {g}",
    "optimizer.note.bias_correction_g": "Bias correction: m and v start at 0, so at t = 1 m_1 = (1 − β₁)·{g} = "
                                        "{c1}·{g} and v_1 = (1 − β₂)·{g}² = {c2}·{g}², far too small; dividing by "
                                        "1 − β₁^t and 1 − β₂^t (= {c1} and {c2} at t = 1) gives m̂_1 = {g} and "
                                        "v̂_1 = {g}²",
    "optimizer.note.bias_correction_g_graph": "Bias correction: m and v start at 0, so at step 1 m is (1 − β₁)·{g}, "
                                              "{c1} times {g}, and v is (1 − β₂)·{g}², {c2} times {g}², far too "
                                              "small; dividing by 1 − β₁^t and 1 − β₂^t ({c1} and {c2} at step 1) "
                                              "makes m̂ {g} and v̂ {g}²",
    "optimizer.state_sep": ", ",
    # -- session 15, I: initialisation of the weights a file does not give (`init:`, init.py) -----------------
    "what.init": "the initialisation: a kind (`init: glorot`) or `{{kind: uniform, v: 0.5, seed: 3}}`",
    "problem.init_and_weights": "init and weights cannot both be given: init draws every weight; give one of them",
    "problem.init_no_kind": "no kind given; allowed: {kinds}",
    "problem.init_kind": "unknown initialisation {got}; allowed: {allowed}",
    "problem.init_v_missing": "uniform needs its bound v > 0: `{{kind: uniform, v: 0.5, seed: 0}}`",
    "problem.init_v_positive": "v must be greater than 0; got {got}",
    "problem.init_v_computed": "v is computed for {kind} from d_in and d_out, not given; give v with kind: uniform",
    "problem.init_seed": "seed must be a whole number from 0 to 2^64 − 1, not {got}",
    "problem.init_bias": "unknown bias {got}; allowed: {allowed} (draw: the bias weights drawn as the others; zero: 0)",
    "problem.init_places": "places is the number of decimal places the drawn weights are rounded to, 0 to {most}; "
                           "got {got}",
    "section.init": "Initialisation",
    "init.kind.uniform": "uniform",
    "init.kind.glorot": "Glorot (Xavier uniform)",
    "init.kind.he": "He (Kaiming uniform, for ReLU)",
    "init.drawn": "The weights are not given: {kind} initialisation, seed {seed}. Each layer's weights are drawn "
                  "from U(−v, v) in NumPy, layer by layer: {rng}, then {draw_w}{draw_b}; each value rounded to "
                  "{places} decimal places. These are the given weights below. *d_in* is the number of units feeding the layer (the "
                  "bias left out), *d_out* its number of units.",
    "init.draw_b": " and {draw}",
    "init.bias_zero": "; the bias weights are 0",
    "init.layer_formula": "Layer {layer} (units {units}; *d_in* = {d_in}, *d_out* = {d_out}): {bound}",
    "init.layer_given": "Layer {layer} (units {units}; *d_in* = {d_in}, *d_out* = {d_out}): {bound} (given)",
    "init.part_gives": "The part gives {weights} itself: those weights are as written, not drawn.",
    "init.shared": "A shared parameter is drawn once: it takes the value drawn for its first edge ({groups}).",
    "training.too_large": "training run too large: {weights} × {samples} × {epochs} epochs = {work}; at most {most} "
                    "weights × (training + dev samples) × epochs: use fewer epochs or samples ({docs})",
    "training.model_too_large": "network too large to train on its compiled model (this part is not one the matrix "
                          "engine computes): {what}; at most {most} (weights + units) ({docs})",
    "optimizer.name_clash": "Here {letter} is the name of a parameter and also a letter of the rule: in {example}, {quantity} is the rule's quantity and {param}, in the brackets, is the parameter",
    "optimizer.name_clash_many": "Here {letters} are names of parameters and also letters of the rule: in {examples}, the symbol before the brackets is the rule's quantity and the one in the brackets is the parameter",
    # -- session 15, R: a graph's step shown in full: its forward and backward pass at the look-ahead point ----
    "optimizer.lookahead_graph": "Step {t}'s forward and backward pass are at the look-ahead point "
                                 "θ̃ = θ_{{t−1}} − γ·v_{{t−1}} (Nesterov), not at θ_{{t−1}}: {weights}",
    # -- `train:` and `symbackprop train` (issue 14: train_file.py, render/training.py) --
    "train.what.train": "train",
    "train.what.early_stopping": "train.early_stopping",
    "train.what.decay": "train.decay",
    "train.what.decay_kind": "a {kind} decay",
    "train.whole_range": "{field} must be a whole number from {low} to {high}; got {got}",
    "train.no_epochs": "missing; give the number of epochs, a whole number from 1 to {most}",
    "train.batch_too_big": "batch_size {got} is more than the {n} training samples; allowed: 1 to {n}",
    "train.shuffle": "must be true or false; got {got}",
    "train.metric": "unknown metric {got}; allowed: {allowed}",
    "train.non_negative": "{field} must be 0 or more; got {got}",
    "train.factor": "factor must be between 0 and 1 (neither included); got {got}",
    "train.decay_no_kind": "missing; the kind of decay: {allowed}",
    "train.decay_kind": "unknown kind of decay {got}; allowed: {allowed}",
    "train.decay_no_lr": "a decay lowers the learning rate, and {optimizer} ({form} form) has none; remove decay, or use an optimizer with lr",
    "train.no_dev": "{field} watches the dev set, and there is none; give train.dev (written as samples:) or train.dev_data (a CSV file)",
    "train.no_classes": "accuracy needs targets that are classes (one output unit with targets 0/1 or −1/1, or one-hot targets); these targets are not; use metric: loss",
    "train.dev_list": "must be a list of samples, written as samples: [{{x: {{…}}, t: {{…}}}}, …]",
    "train.dev_twice": "dev and dev_data both give the dev set; give one",
    "train.data_and_samples": "train.data gives the training samples, and {field} gives them too; give one",
    "train.data_path": "must be the name of a CSV file (relative to the problem file); got {got}",
    "train.csv_unreadable": "cannot read the CSV file {path}: {why}",
    "train.csv_no_rows": "no samples; the file needs a header row ({columns}) and a row of numbers per sample",
    "train.csv_unknown_column": "unknown column {column}; the columns are x<input unit> and t<output unit>: {allowed}",
    "train.csv_missing_column": "no column {column}; the columns are x<input unit> and t<output unit>: {allowed}",
    "train.csv_not_number": "column {column}: {got} is not a number",
    "train.csv_row_length": "{n} cells, and the header has {columns} columns",
    "train.csv_too_many": "more than {most} samples",
    "train.no_train": "{path} has no train: field, so there is nothing to train; add one (docs/training.md)",
    "train.progress": "training",
    "train.title": "{title}: training run",
    "train.section.settings": "Settings",
    "train.section.epochs": "Epochs",
    "train.section.weights": "Weights",
    "train.note.optimizer": "Optimizer: {name} ({form} form), {settings}.",
    "train.note.epochs": "{epochs} epochs; batches of {batch} of the {n} training samples, {updates} updates an epoch.",
    "train.note.shuffle": "The samples are shuffled every epoch (seed {seed}).",
    'train.note.no_shuffle': "The samples are taken in the file's order every epoch.",
    "train.note.dev": "Dev set: {n} samples, measured after every epoch.",
    "train.note.no_dev": "No dev set.",
    "train.note.early": "Early stopping on the dev {metric}: patience {patience} epochs, min_delta {min_delta}; the weights of the best epoch are kept.",
    "train.note.step_decay": "Step decay: the learning rate times {factor} every {every} epochs.",
    "train.note.plateau_decay": "Plateau decay: the learning rate times {factor} after {patience} epochs in a row without improvement of the dev {metric} (min_delta {min_delta}), not below {min_lr}.",
    "train.metric.loss": "loss",
    "train.metric.accuracy": "accuracy",
    "train.col.epoch": "epoch",
    "train.col.loss": "loss",
    "train.col.accuracy": "accuracy",
    "train.col.dev_loss": "dev loss",
    "train.col.dev_accuracy": "dev accuracy",
    "train.col.mark": "mark",
    "train.col.weight": "weight",
    "train.col.final": "final",
    "train.col.kept": "kept (epoch {epoch})",
    "train.mark.best": "best (kept)",
    "train.mark.decayed": "rate decayed",
    "train.mark.stopped": "patience ran out",
    "train.mark_sep": ", ",
    "train.rows_all": "Every epoch ({n}); loss and accuracy after the epoch, on the whole set.",
    "train.rows_some": "{shown} of {n} epochs: the first {first}, one every {every} epochs, every marked one and the last (--every K to choose; the JSON has every epoch).",
    "train.stopped": "Early stopping ended the run after epoch {epoch} of {epochs}: {patience} epochs in a row without improvement.",
    "train.ran_all": "Every epoch ran: {epochs} epochs, {updates} updates.",
    "train.final": "After epoch {epoch}: training loss {loss}",
    "train.final_accuracy": ", training accuracy {accuracy}",
    "train.kept": "Kept: the weights of epoch {epoch} (dev {metric} {value}).",
    "train.kept_none": "Kept: no epoch (the dev metric was never measured).",
    "train.note.epochs_one": "{epochs} epochs; batches of {batch} of the {n} training samples, one update an epoch.",
    "train.solve_budget_note": "{message}; this is the limit of solve, check, grade and derive, which work every sample symbolically; symbackprop train has its own limit (docs/training.md)",
    "train.diverged": "Epoch {epoch} of {epochs}: the loss is not finite: the run diverged; try a smaller learning rate. The run stopped there.",
    "train.mark.diverged": "diverged",
    "train.decay_no_every": "missing; a step decay needs every, the number of epochs between two decays (a whole number from 1), e.g. {{kind: step, every: 100, factor: 0.5}}",
    "train.stopped_one": "Early stopping ended the run after epoch {epoch} of {epochs}: 1 epoch without improvement.",
    "train.min_lr_above": "min_lr {got} is not below the learning rate {lr}, so the rate could never decay; give a min_lr below {lr} (0: no floor)",
    "train.csv_column_twice": "column {column} twice; each column once: {allowed}",
    # session 15, task Y (t22)
    "train.col.initial": "initial",
    "train.graph": "{model} is a computation graph model; train: is for networks only (docs/training.md)",
    "train.part_no_train": "{path}: part {parts} has no train: field; the parts with one: {trained}",
    "problem.init_all_zero": "every drawn weight rounds to 0 at {places} decimal places, so the hidden units would stay identical (a symmetric network); give more places (at most 15) or a larger v",
    "train.note.one_epoch": "1 epoch; batches of {batch} of the {n} training samples, {updates} updates an epoch.",
    "train.note.one_epoch_one": "1 epoch; batches of {batch} of the {n} training samples, one update an epoch.",
    "train.note.dev_one": "Dev set: 1 sample, measured after every epoch.",
    "train.note.early_one": "Early stopping on the dev {metric}: patience 1 epoch, min_delta {min_delta}; the weights of the best epoch are kept.",
    "train.note.step_decay_one": "Step decay: the learning rate times {factor} every epoch.",
    "train.note.plateau_decay_one": "Plateau decay: the learning rate times {factor} after 1 epoch without improvement of the dev {metric} (min_delta {min_delta}), not below {min_lr}.",
    "train.ran_all_one": "Every epoch ran: 1 epoch, {updates} updates.",
    "train.ran_all_one_one": "Every epoch ran: 1 epoch, 1 update.",
    # session 16, task P (issue 14: plots)
    "plot.no_matplotlib": "--plot draws the PNG with matplotlib, which is not installed; install it: pip install 'symbackprop[plot]'",
    "plot.suffix": "--plot {path}: the plot is a PNG file; give a name ending in .png",
    "plot.no_cjk_font": "no font with Chinese characters was found for the PNG, so its labels are in English; install one (Debian, Ubuntu: fonts-noto-cjk)",
    "plot.written": "Loss curves: {path}",
    "plot.written_part": "Loss curves of part {part}: {path}",
    "plot.title": "{title}: loss curves",
    "plot.title_part": "{title}, part {part}: loss curves",
    "plot.epoch": "epoch",
    "plot.loss": "loss J",
    "plot.loss_log": "loss J (log scale)",
    "plot.train_loss": "training loss",
    "plot.dev_loss": "dev loss",
    "plot.accuracy": "accuracy (%)",
    "plot.train_accuracy": "training accuracy",
    "plot.dev_accuracy": "dev accuracy",
    "plot.mark.best": "kept by early stopping (epoch {epoch})",
    "plot.mark.decayed": "rate decayed (after the epoch)",
    "plot.mark.stopped": "patience ran out (epoch {epoch})",
    "plot.mark.diverged": "diverged (epoch {epoch})",
    "plot.thinned": "The figure shows {shown} of the {n} epochs (every k-th, the marked ones and the last); the JSON has every epoch.",
    "plot.image_alt": "Loss curves",
    "train.worked.syntax": "--worked {got}: write EPOCH:STEP, two whole numbers from 1 (update 2 of epoch 3: --worked 3:2)",
    "train.worked.epoch_beyond": "{path}: --worked {epoch}:{step}: the run has {epochs} epochs; choose an epoch from 1 to {epochs}",
    "train.worked.epoch_stopped": "{path}: --worked {epoch}:{step}: early stopping ended the run at epoch {stopped}; choose an epoch from 1 to {stopped}",
    "train.worked.step_beyond": "{path}: --worked {epoch}:{step}: an epoch has {updates} updates (batches of {batch} of the {n} training samples); choose a step from 1 to {updates}",
    "train.worked.step_beyond_one": "{path}: --worked {epoch}:{step}: an epoch has 1 update (one batch of the {n} training samples); choose step 1",
    "train.worked.several_parts": "{path}: --worked: parts {parts} all train; choose one with --part NAME",
    "train.worked.diverged": "{path}: --worked {epoch}:{step}: the run diverged in epoch {diverged} (the loss is not finite) before this update; choose an update of an epoch before it",
    "train.worked.heading": "Worked step: epoch {epoch}, update {update}",
    "train.worked.which": "Update {update} of {per_epoch} in epoch {epoch} is update {t} of the run, on {samples} of the training set (in the run's shuffled order); {loss} is the {reduction} of their losses.",
    "train.worked.which_all": "Update {update} of {per_epoch} in epoch {epoch} is update {t} of the run, on {samples} of the training set (the whole set, in the run's order); {loss} is the {reduction} of their losses.",
    "train.worked.sample_one": "sample {n}",
    "train.worked.samples": "samples {most} and {last}",
    "train.worked.reduction.mean": "mean",
    "train.worked.reduction.sum": "sum",
    "train.worked.weights_first": "The weights θ_0 are the run's starting weights; η = {lr} is epoch {epoch}'s learning rate.",
    "train.worked.weights": "The weights θ_{{t−1}} are the run's after update {before} (its float64 values, written as exact decimals); η = {lr} is epoch {epoch}'s learning rate.",
    "train.worked.weights_decayed": "The weights θ_{{t−1}} are the run's after update {before} (its float64 values, written as exact decimals); η = {lr} is epoch {epoch}'s learning rate (the file's {base}, decayed).",
    "train.worked.no_lr": "The weights θ_{{t−1}} are the run's after update {before} (its float64 values, written as exact decimals).",
    "train.worked.state": "The optimizer's state before the update ({states}) is the run's after update {before}.",
    "train.worked.agrees": "The run's own float64 update gives new weights that agree with these to {diff} (the largest difference).",
    "train.worked.order": "In the steps, ^(n) is the batch's n-th sample: {pairs}.",
    "train.worked.order_pair": "^({n}) is sample {k}",
    "train.worked.which_one": "Update {update} of {per_epoch} in epoch {epoch} is update {t} of the run, on {samples} of the training set (in the run's shuffled order); {loss} is its loss.",
    # session 16, task D (issue 14: dropout, one step by hand)
    "dropout.what": "dropout",
    "dropout.layer_twice": "layer {layer} has dropout twice; one entry per hidden layer",
    "dropout.no_layer": "missing; layer is the hidden layer the dropout is on, counted from 1 (here {hidden})",
    "dropout.layer": "layer {got} is not a hidden layer; dropout is on a hidden layer, counted from 1 (here {hidden})",
    "dropout.layer_input": "layer 0 is the input layer, not a hidden layer; dropout is on a hidden layer, counted from 1 (here {hidden})",
    "dropout.layer_output": "layer {got} is the output layer, not a hidden layer; dropout is on a hidden layer, counted from 1 (here {hidden})",
    "dropout.no_p": "missing; p is the probability of dropping a unit, 0 ≤ p < 1 (e.g. p: 0.5)",
    "dropout.p": "p {got} is outside [0, 1); p is the probability of dropping a unit, 0 ≤ p < 1",
    "dropout.scaling": "unknown scaling {got}; allowed: {allowed} (standard: ×(1−p) at test time; inverted: ×1/(1−p) at training time)",
    "dropout.mask_and_seed": "mask and seed both given; give the mask, or a seed to draw it, not both",
    "dropout.seed": "seed {got} is not a whole number from 0 to 4294967295",
    "dropout.no_mask": "missing; give mask, one 0 or 1 for each of layer {layer}'s units {units}, in that order (1 keeps the unit, 0 drops it), or seed to draw it",
    "dropout.mask_unit": "{got} is not a unit of layer {layer}; its units: {units}",
    "dropout.mask_missing": "no entry for unit {units} of layer {layer}; the mask names every unit of the layer",
    "dropout.mask_form": "{got} is not a mask; a mask is a list of one 0 or 1 for each of layer {layer}'s units ({units}), a list of such lists (one per sample), or {{unit: 0 or 1}}",
    "dropout.mask_rows": "the mask has {got} rows; give one row per sample ({n}), or one list for every sample",
    "dropout.mask_length": "a mask of {got} entries, but layer {layer} has {n} units ({units}); one 0 or 1 per unit, in that order",
    "dropout.mask_entry": "mask entry {got} is not 0 or 1 (1 keeps the unit, 0 drops it)",
    "dropout.train": "dropout is for one step by hand (solve, check); symbackprop train does not apply it (docs/training.md#dropout-one-step-by-hand): remove dropout: for the run",
    "dropout.optimizer": "dropout in solve is one step by hand: a part with optimizer, steps or update would need a fresh mask every step, which solve does not draw (symbackprop train does: docs/training.md#training-with-dropout); remove one of them",
    "section.test": "Test time: no dropout",
    "note.dropout": "Dropout on hidden layer {layer} with {p}, {scaling} scaling: during training the next layer reads {rule}, with the mask {mask}.",
    "note.dropout_seed": "The mask is drawn with seed {seed}: {draw}, N samples by n units of the layer, row by row (1 keeps, 0 drops).",
    "note.dropout_dropped": "A dropped unit ({m}) passes nothing on, so no gradient reaches its output and its *δ* is 0 ({deltas}); the weights into it get no gradient from this sample.",
    "note.dropout_test_standard": "At test time no unit is dropped; standard scaling multiplies each hidden output by {keep} instead: {rule} (the last section, with the weights as given, before the update).",
    "note.dropout_test_inverted": "At test time no unit is dropped, and inverted scaling leaves the outputs as they are: {rule} (the last section, with the weights as given, before the update).",
    "note.dropout_why": "Why the scaling: a unit is kept with probability {keep}, so {em}; standard scaling makes the test output {scaled}, that expected value, and inverted scaling divides by {keep} during training, so that the expected training output is {u} itself and test time needs no change.",
    "scaling.standard": "standard",
    "scaling.inverted": "inverted",
    "diagnosis.dropout_mask_missing_delta": "a dropped unit's δ is 0 ({m}: it passes nothing on, so no gradient reaches it); this is its δ as if it were kept",
    "diagnosis.dropout_mask_missing_other": "the dropout mask left out: {m}, so this unit is dropped and passes 0 on",
    "diagnosis.dropout_scale_missing": "inverted dropout's 1/(1 − {p}) left out ({p} = {value}): kept units are scaled by it during training",
    "diagnosis.dropout_test_scale_missing": "standard dropout's (1 − {p}) left out at test time ({p} = {value}): every hidden output is scaled by it",
    "diagnosis.dropout_test_scales_missing": "standard dropout's (1 − p) left out at test time ({p}): every hidden output is scaled by it",
    # -- padding and the masked mean (model: masked_mean, padding.py, render/padding.py; issue 14) ----------
    "padding.missing": "missing; a masked-mean problem (model: masked_mean) needs {field} (and embeddings, sentences, targets, w)",
    "padding.bad_pad": "the pad token {got} is not a word; write it as a word in brackets, like [pad]",
    "padding.pad_to": "pad_to is {got}; expected a whole number from 1 to {most} (the padded length of every sentence)",
    "padding.too_long": "sentence {s} has {count} words, longer than pad_to = {pad_to}; shorten it or raise pad_to",
    "padding.w_size": "w is {got}; expected a list of {d} numbers (one per embedding entry, d = {d})",
    "padding.loss": "unknown loss {got}; allowed: {allowed}",
    "padding.embeddings_what": "the embeddings: {{word: [numbers]}}, one row of the embedding table a word, the pad token's too",
    "padding.no_words": "no words; give each word's embedding, the pad token's too ([pad]: [1, 1])",
    "padding.too_many_words": "{count} words; at most {most}, the pad token included",
    "padding.bad_word": "{got} is not a word; a word is letters and digits starting with a letter (at most 15)",
    "padding.same_name": "the words {a} and {b} would both be named {name} in the graph; rename one",
    "padding.embedding_list": "the embedding of {word} is {got}; expected a list of 1 to {most} numbers",
    "padding.embedding_size": "the embedding of {word} has {count} numbers; every embedding has d = {d}, as {first}'s",
    "padding.no_pad_embedding": "the pad token {pad} has no embedding; give it one (not zero, so that the unmasked mean's mistake shows): {pad}: [1, 1]",
    "padding.sentences": "sentences is {got}; expected a list of 1 to {most} sentences, each a list of words",
    "padding.sentence": "sentence {s} is {got}; expected a list of words (or one string of words separated by spaces)",
    "padding.word_after_pad": "sentence {s} has the word {word} after {pad}; pads come at the end",
    "padding.unknown_word": "the word {word} of sentence {s} is not in the vocabulary (embeddings); words: {words}",
    "padding.only_pads": "sentence {s} has no real word; its masked mean would divide by 0",
    "padding.masks_count": "masks is {got}; expected {count} rows (one per sentence) of 0s and 1s",
    "padding.mask_length": "the mask of sentence {s} has {count} entries; expected pad_to = {pad_to}",
    "padding.mask_entry": "entry {i} of the mask of sentence {s} is {got}; a mask entry is 0 (a pad) or 1 (a real word)",
    "padding.mask_masks_word": "entry {i} of the mask of sentence {s} is 0 but position {i} holds the word {word}; a real word's entry is 1",
    "padding.mask_keeps_pad": "entry {i} of the mask of sentence {s} is 1 but position {i} is a pad; a pad's entry is 0",
    "padding.section.batch": "The padded batch",
    "padding.section.mask": "The mask M",
    "padding.section.gradient": "Where the gradient goes: the embedding table",
    "padding.section.unmasked": "What an unmasked mean would have done wrong",
    "padding.col.word": "word",
    "padding.col.positions": "positions",
    "padding.note.batch": "{count} sentences with {lengths} real words, each padded with {pad} to {pad_to} positions.",
    "padding.note.mask": "{mask} where position *i* of sentence *s* holds a real word and 0 where it holds {pad}; {count} is the number of real words of sentence *s*.",
    "padding.note.names": "In the graph below, {e} is the row of {word} in the embedding table ({epad}: the row of {pad}); *x_si* is the embedding at position *i* of sentence *s*; the masked mean of sentence *s* is three steps: 1) {zero} zeroes the pads, 2) {sum} sums, 3) {divide} divides by the number of real words.",
    "padding.note.loss_bce": "Then {a}, {y}, the binary cross-entropy {loss}, and *J* the mean of the {count} losses.",
    "padding.note.loss_half_squared": "Then {a}, {y}, {loss}, and *J* the mean of the {count} losses.",
    "padding.note.pads_zero": "At every pad position the gradient is exactly 0 (SymPy's zero, not a small number), {grads} = {zero}: its mask entry is 0, so no gradient reaches {pad}.",
    "padding.note.pulled_one": "Sentence {s} has {n} real words and 1 pad: {wrong} instead of {right}, pulled toward the pad's embedding {e}.",
    "padding.note.pads_not_zero": "Not every pad position's gradient is exactly 0: {grads}.",
    "padding.note.pad_row": "So the row of {pad} in the embedding table gets {grad} = {value}: training leaves it as it is.",
    "padding.note.pad_row_moves": "The row of {pad} in the embedding table gets {grad} = {value}.",
    "padding.note.shared": "{word} is used at {count} positions: its row's gradient sums theirs, {grad} = {terms} = {value}.",
    "padding.note.unmasked": "An unmasked mean keeps the pads and divides every sentence by {pad_to}: {rule}. The same graph with every {m} set to 1, solved:",
    "padding.note.pulled": "Sentence {s} has {n} real words and {pads} pads: {wrong} instead of {right}, pulled toward the pad's embedding {e}.",
    "padding.note.unmasked_loss": "The predictions change with it, and the loss: {wrong} instead of {right}.",
    "padding.note.unmasked_pad": "The pad's embedding gets {grad} = {value}, not 0: training would move the row of {pad}, a token that carries no meaning.",
    "padding.note.scale": "A real word of sentence {s} gets {wrong} of the unmasked sentence's gradient {dhw} instead of {right} of {dh} ({local} by SymPy): {gradw} = {valuew} instead of {grad} = {value}.",
    "padding.what": "a masked-mean problem (model: masked_mean)",
    "padding.reserved_name": "the word {word} would be named {name} in the graph, which is the name of a function; rename it",
    "graph.derive_wide_backward": "{grad}: long (in the node names a line of it has {count} characters, too wide for a page: at most {limit}); its value is {value}, and `solve` gives it step by step",
    "padding.diagnosis_unmasked": "the value of an unmasked mean ({value}): the pads' {pad} embeddings were averaged in too, over all {pad_to} positions; the masked mean zeroes the pads and divides by the number of real words",
    "code.unmasked_mean": "an unmasked mean (the pads averaged in)",
    "padding.diagnosis_pad_gradient": "{name} is at a pad ({pad}), where the gradient is exactly 0: its mask entry is 0, so z = m·x and everything after it do not depend on it",
    # session 16, task DT (issue 14: train with dropout)
    "dropout.train_compiled": "symbackprop train applies dropout with its matrix engine only, which this part's network does not fit (docs/training.md#the-engine); remove dropout: for the run",
    "train.note.dropout": "Dropout on hidden layer {layer}: p = {p}, {scaling}.",
    "train.note.dropout_standard": "standard scaling (ũ_j = m_j·u_j)",
    "train.note.dropout_inverted": "inverted scaling (ũ_j = m_j·u_j/(1 − p))",
    "train.note.dropout_masks": "Each update draws a fresh mask for every sample of its batch: rng.random((batch, units)) < 1 − p for each dropped-out layer in layer order, row r the batch's r-th sample, rng = np.random.default_rng({seed}) a generator of its own (not the shuffle's); a mask given in the file is the one-step exercise's, not the run's.",
    "train.note.dropout_test": "Loss and accuracy after each epoch are measured at test time, on the training and the dev set: no unit dropped; standard scaling multiplies the layer's outputs by 1 − p, inverted scaling leaves them as they are.",
    "train.worked.which_file": "Update {update} of {per_epoch} in epoch {epoch} is update {t} of the run, on {samples} of the training set (in the file's order: shuffle is false); {loss} is the {reduction} of their losses.",
    "train.worked.which_one_file": "Update {update} of {per_epoch} in epoch {epoch} is update {t} of the run, on {samples} of the training set (in the file's order: shuffle is false); {loss} is its loss.",
    "train.worked.saturated": "--worked {epoch}:{step} is not worked: at the run's weights before this update (update {t} of the run) an output of its batch (samples {samples}, ^(n) the n-th) saturates, so that {id} {why} even in the 30-digit floats of an exact solution. The run itself clamps each log at −100 (\"A saturated output\" in docs/training.md) and goes on; a worked solution does not clamp. The run above is complete; choose another update to see one worked.",
    "train.worked.too_large": "--worked {epoch}:{step} is not worked: at the run's weights before this update (update {t} of the run) {id} is {about}, and an exact solution works only with values below {most} in magnitude (the weights are growing towards divergence: see the epoch table). The run above is complete; choose an earlier update to see one worked.",
    "train.worked.not_finite": "--worked {epoch}:{step} is not worked: at the run's weights before this update (update {t} of the run), {detail}. The run above is complete; choose another update to see one worked.",
    "train.csv_exponent_range": "column {column}: {got} is out of range: exponent {exp}; allowed -{most} to {most}, as in the problem file",
    "dropout.mask_rows_one": "the mask has 1 row; give one row per sample ({n}), or one list for every sample",
    "dropout.mask_length_one": "a mask of 1 entry, but layer {layer} has {n} units ({units}); one 0 or 1 per unit, in that order",
    "padding.note.pulled_word_one": "Sentence {s} has 1 real word and 1 pad: {wrong} instead of {right}, pulled toward the pad's embedding {e}.",
    "padding.note.pulled_word": "Sentence {s} has 1 real word and {pads} pads: {wrong} instead of {right}, pulled toward the pad's embedding {e}.",
    "train.rows_all_loss": "Every epoch ({n}); the loss after the epoch, on the whole set.",
    "train.rows_some_none": "{shown} of {n} epochs: the first {first}, every marked one and the last (--every {every} is more than the run's {n} epochs, so no other; --every K to choose; the JSON has every epoch).",
    "diagnosis.dropout_scale_in_standard": "1/(1 − {p}) applied during training ({p} = {value}), but this part's dropout is standard: only inverted dropout scales kept units during training (standard scales by 1 − {p} at test time)",
    "padding.diagnosis_pad_to": "divided by the padded length {pad_to} instead of the number of real words ({counts}): the pads are zeroed, but the mean divides by the real words only",
    "code.pad_to_divisor": "the masked sum divided by the padded length, not by the real words",
    "plot.mark.decayed_many": "rate decayed {count} times (too many to draw; the table marks each)",
    "diagnosis.dropout_test_scale_in_inverted": "the test-time outputs multiplied by 1 − p = {value}, standard dropout's scaling, but this part's dropout is inverted: it divided by 1 − p during training, so at test time the outputs are used as they are",
    "train.worked.disagrees": "--worked {epoch}:{step} is not worked: at the run's weights before this update (update {t} of the run) the exact re-solve does not reproduce the run's float step at these magnitudes (largest difference {diff} between its new weights or ∂J/∂w and the run's float64 ones, more than 1e-9 of their largest magnitude): its 30-digit floats lose every digit (the weights are growing towards divergence: see the epoch table). The run above is complete; choose an earlier update to see one worked.",
    "note.dropout_test_standard_worked": "At test time no unit is dropped; standard scaling multiplies each hidden output by {keep} instead: {rule}. The run measures its loss and accuracy after each epoch this way.",
    "note.dropout_test_inverted_worked": "At test time no unit is dropped, and inverted scaling leaves the outputs as they are: {rule}. The run measures its loss and accuracy after each epoch this way.",
    "train.note.dropout_test_no_dev": "Loss and accuracy after each epoch are measured at test time, on the training set: no unit dropped; standard scaling multiplies the layer's outputs by 1 − p, inverted scaling leaves them as they are.",
    "train.worked.clamped": "The run clamps each log of the loss at −100 (\"A saturated output\" in docs/training.md), and a log of this batch is below −100: the run's own {loss} of the batch before the update is {run}, where the worked step's exact {loss} is {exact}. The gradients are the same: where a log is clamped the run takes the limit of δ, which the exact δ equals.",
    "train.worked.agrees_exactly": "The run's own float64 update gives exactly these new weights (to the last bit of a float64).",
}
