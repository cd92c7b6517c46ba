#!/usr/bin/python3
"""The translations are complete and the merged files carry them.

- every source file with translatable strings is listed in po/POTFILES.in;
- every message of those files (extracted afresh with xgettext, as `meson compile
  lispmn-pot` does) is in each po/LANG.po of po/LINGUAS, translated, not fuzzy, with the
  same printf conversions (msgfmt --check);
- the built polkit policy has the same action ids as its source and a translation of every
  description and message; the built desktop file has them too and passes
  desktop-file-validate when that is installed.

Usage: check_translations.py SOURCE_ROOT BUILD_ROOT"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

SOURCE, BUILD = (os.path.abspath(p) for p in sys.argv[1:3]) if len(sys.argv) >= 3 else (None, None)
PO = os.path.join(SOURCE or ".", "po")
# the keywords of meson's i18n 'glib' preset
KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dcgettext:2", "g_dngettext:2,3", "g_dpgettext2:2c,3"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def languages():
    with open(os.path.join(PO, "LINGUAS")) as f:
        return [w for line in f for w in line.split("#")[0].split()]


def potfiles():
    with open(os.path.join(PO, "POTFILES.in")) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


class Translations(unittest.TestCase):
    def test_potfiles_lists_every_translatable_file(self):
        listed = set(potfiles())
        for path in listed:
            self.assertTrue(os.path.exists(os.path.join(SOURCE, path)), f"POTFILES.in lists a missing {path}")
        for path in glob.glob(os.path.join(SOURCE, "applet", "*.[ch]")) + glob.glob(os.path.join(SOURCE, "applet", "*.ui")):
            with open(path) as f:
                text = f.read()
            if re.search(r'\b(_|N_|g_dngettext)\s*\(\s*"|translatable="yes"', text):
                self.assertIn(os.path.relpath(path, SOURCE), listed, "has translatable strings")

    def test_catalogues_complete(self):
        work = tempfile.mkdtemp(prefix="lmn-i18n-")
        self.addCleanup(shutil.rmtree, work)
        pot = os.path.join(work, "lispmn.pot")
        out = subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments", "--directory", SOURCE,
                              "--output", pot, *[f"--keyword={k}" for k in KEYWORDS], *potfiles()],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        with open(pot) as f:
            self.assertGreater(f.read().count("msgid "), 50, "xgettext found too few messages")
        self.assertTrue(languages(), "po/LINGUAS lists no language")
        for lang in languages():
            po = os.path.join(PO, f"{lang}.po")
            # every message of the sources is in the catalogue
            out = subprocess.run(["msgcmp", "--use-untranslated", po, pot], capture_output=True, text=True,
                                 timeout=60)
            self.assertEqual(out.returncode, 0, f"{lang}.po lacks messages:\n{out.stderr}")
            out = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertNotIn("untranslated", out.stderr, f"{lang}.po: {out.stderr}")
            self.assertNotIn("fuzzy", out.stderr, f"{lang}.po: {out.stderr}")

    def test_policy_merged(self):
        source = ET.parse(os.path.join(SOURCE, "data", "org.lispmn.MobileNode1.policy.in")).getroot()
        built = ET.parse(os.path.join(BUILD, "data", "org.lispmn.MobileNode1.policy")).getroot()
        ids = [a.get("id") for a in source.iter("action")]
        self.assertEqual(ids, ["org.lispmn.MobileNode1.configure", "org.lispmn.MobileNode1.control"])
        self.assertEqual([a.get("id") for a in built.iter("action")], ids)
        for action in built.iter("action"):
            self.assertEqual(action.find("defaults/allow_active").text, "auth_admin_keep")
            for tag in ("description", "message"):
                untranslated = [e.text for e in action.findall(tag) if e.get(XML_LANG) is None]
                self.assertEqual(len(untranslated), 1, f"{action.get('id')} {tag}")
                for lang in languages():
                    found = [e.text for e in action.findall(tag) if e.get(XML_LANG) == lang]
                    self.assertEqual(len(found), 1, f"{action.get('id')} {tag} has no {lang} translation")
                    self.assertNotEqual(found[0], untranslated[0])

    def test_desktop_file_merged(self):
        path = os.path.join(BUILD, "data", "org.lispmn.Applet.desktop")
        if os.environ.get("LISPMN_APPLET_BUILT") == "0":
            self.skipTest("this configuration builds no applet (-Dapplet=disabled or GTK 3 missing)")
        self.assertTrue(os.path.exists(path), f"{path} not built")
        with open(path) as f:
            text = f.read()
        for lang in languages():
            for key in ("Name", "GenericName", "Comment"):
                self.assertRegex(text, rf"(?m)^{key}\[{lang}\]=.+")
        self.assertIn("\nExec=lispmn-applet\n", text)
        if shutil.which("desktop-file-validate"):
            out = subprocess.run(["desktop-file-validate", path], capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        else:
            print("desktop-file-validate is not installed (package desktop-file-utils): not validated")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
