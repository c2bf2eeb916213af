"""Every CSS selector and interface label the browser suite relies on, in one place.

Most class names below are internal to JupyterLab 4 and ipywidgets 8, and they
can change in a new release. When a browser test starts failing after an
upgrade, look here first.
"""

# --- JupyterLab ---------------------------------------------------------------
#: A file in the file browser (its name is in FILE_NAME); a double click opens it.
FILE_ITEM = ".jp-DirListing-item"
FILE_NAME = ".jp-DirListing-itemText"
#: The label of the main area's current document tab.
CURRENT_DOCUMENT_TAB = '.lm-TabBar-tab.jp-mod-current[data-type="document-title"] .lm-TabBar-tabLabel'
#: The notebook panel that has focus.
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
#: The kernel activity indicator in the notebook toolbar; ``data-status`` is e.g. "idle", "busy".
KERNEL_STATUS = NOTEBOOK + " .jp-Notebook-ExecutionIndicator"
#: The kernel's name in the notebook toolbar; "No Kernel" until the kernel has started.
KERNEL_NAME = NOTEBOOK + " .jp-KernelName"
NO_KERNEL = "No Kernel"
#: Every cell of the notebook, in order (all are in the page: windowing is off for the test server).
CELL = NOTEBOOK + " .jp-Cell"
CODE_CELL = NOTEBOOK + " .jp-CodeCell"
MARKDOWN_CELL = NOTEBOOK + " .jp-MarkdownCell"
#: The execution prompt of a code cell: "[ ]:" not run, "[*]:" queued or running, "[3]:" done.
PROMPT = ".jp-InputArea-prompt"
#: The rendered part of a markdown cell.
RENDERED_MARKDOWN = ".jp-RenderedMarkdown"
#: One output of a code cell; its ``data-mime-type`` attribute names the output's type.
OUTPUT = ".jp-OutputArea-output"
#: Error tracebacks and stderr are both rendered with this MIME type (also inside widgets' Output areas).
STDERR_OUTPUT = NOTEBOOK + " " + OUTPUT + '[data-mime-type="application/vnd.jupyter.stderr"]'
#: A cell's own outputs (not the outputs nested inside an ipywidgets Output widget).
TOP_OUTPUT = NOTEBOOK + " .jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output"
#: A dialog (e.g. "Select Kernel") that would block the interface, and its accepting button.
DIALOG = ".jp-Dialog"
DIALOG_ACCEPT = ".jp-Dialog .jp-mod-accept"

#: The menu paths a student clicks to clear the stored outputs and to run the whole notebook.
CLEAR_ALL = ("Edit", "Clear Outputs of All Cells")
RUN_ALL = ("Run", "Run All Cells")
#: Closes the notebook and shuts its kernel down, after a confirmation dialog.
CLOSE_AND_SHUT_DOWN = ("File", "Close and Shut Down Notebook")
MENUBAR_ITEM = ".lm-MenuBar-item"
MENU_ITEM = ".lm-Menu-item"

# --- ipywidgets 8 -------------------------------------------------------------
#: The root of a widget view. The widget manager's renderer (the cell's output itself) also gets
#: this class when it fails, and shows one of WIDGET_FAILURE_TEXTS instead of the widget.
WIDGET_ROOT = ".jupyter-widgets"
#: Texts the widget manager shows instead of a widget.
WIDGET_FAILURE_TEXTS = ("Error displaying widget", "Loading widget...")
#: Parts of a widget whose text shows a result, and not a control's own value: Output widgets
#: (``interactive``) and HTML widgets (``mktlab.widgets.live`` views, the role-play). Images are added.
WIDGET_RESULT = ".widget-output, .widget-html-content"

#: The controls the suite knows how to operate, by kind. Each entry is a CSS selector for the
#: element that a student acts on. Kinds that count as "buttons" share the same name.
CONTROLS = {
    "slider": ".widget-slider .noUi-handle",
    "dropdown": ".widget-dropdown select",
    "toggle buttons": ".widget-toggle-buttons button.jupyter-button:not(.mod-active)",
    "radio buttons": ".widget-radio-box input[type=radio]:not(:checked)",
    "checkbox": ".widget-checkbox input[type=checkbox]",
    "text box": ".widget-textarea textarea, .widget-text input[type=text]",
    "button": "button.jupyter-button.widget-button",
}
#: The description labels of controls (e.g. a slider's "Year"), which the Chinese edition shows in Chinese.
WIDGET_LABEL = ".widget-label, .widget-label-basic"
#: The readout next to a slider, which shows its value, and the way from a slider's handle to it.
SLIDER_READOUT = ".widget-readout"
SLIDER_OF_HANDLE = "xpath=ancestor::*[contains(@class, 'widget-slider')][1]"
#: Plain buttons are also ``.jupyter-button``; these containers hold buttons of another kind.
BUTTON_GROUPS = ".widget-toggle-buttons"
#: The four kinds of control the course uses, each of which the suite must operate at least once.
COURSE_KINDS = {
    "slider": {"slider"},
    "dropdown": {"dropdown"},
    "buttons": {"toggle buttons", "radio buttons", "button"},
    "text box": {"text box"},
}
